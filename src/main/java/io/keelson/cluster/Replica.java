package io.keelson.cluster;

import com.github.f4b6a3.ulid.UlidCreator;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * This process among the replicas on one database: a name new at every start (the host name, for
 * operators, and a ULID), so a restarted replica never mistakes its former self's leases for its own.
 */
@ApplicationScoped
public class Replica {

    private final String id = hostName() + "/" + UlidCreator.getMonotonicUlid();

    public String id() {
        return id;
    }

    private static String hostName() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            name = "keelson";
        }
        return name.length() > 30 ? name.substring(0, 30) : name;
    }
}
