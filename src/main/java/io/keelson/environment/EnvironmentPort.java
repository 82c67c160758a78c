package io.keelson.environment;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A host port held by one environment for one of its services, for the environment's whole life. */
@Entity
@Table(name = "environment_port")
public class EnvironmentPort extends PanacheEntityBase {

    @Id
    public int port;

    public String target;
    public String service;

    /** Service → port of one environment. */
    public static Map<String, Integer> of(String target) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        EnvironmentPort.<EnvironmentPort>list("target = ?1 order by service", target)
                .forEach(p -> ports.put(p.service, p.port));
        return ports;
    }

    /** The ports held in {@code [first, last]}, by any environment. */
    public static List<Integer> heldBetween(int first, int last) {
        return getEntityManager()
                .createQuery("select p.port from EnvironmentPort p where p.port between ?1 and ?2", Integer.class)
                .setParameter(1, first)
                .setParameter(2, last)
                .getResultList();
    }

    static void free(String target) {
        delete("target", target);
    }
}
