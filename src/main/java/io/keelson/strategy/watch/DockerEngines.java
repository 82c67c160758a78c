package io.keelson.strategy.watch;

import io.keelson.catalog.DockerSpec;
import io.keelson.catalog.TargetSpec;
import io.keelson.strategy.engine.DockerEngine;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One engine client per target, made on first use and replaced when the target's engine changes. */
@ApplicationScoped
public class DockerEngines {

    private record Entry(DockerSpec spec, DockerEngine engine) {}

    private final Map<String, Entry> engines = new ConcurrentHashMap<>();

    /** The target's engine connection; a target that names none uses the local engine. */
    public static DockerSpec specOf(TargetSpec target) {
        return target.docker() == null ? new DockerSpec(null, null) : target.docker();
    }

    public DockerEngine of(TargetSpec target) {
        DockerSpec spec = specOf(target);
        Entry entry = engines.compute(target.name(), (name, current) -> {
            if (current != null && current.spec().equals(spec)) {
                return current;
            }
            if (current != null) {
                current.engine().close();
            }
            return new Entry(spec, DockerEngine.connect(spec));
        });
        return entry.engine();
    }

    @PreDestroy
    void closeAll() {
        engines.values().forEach(e -> e.engine().close());
    }
}
