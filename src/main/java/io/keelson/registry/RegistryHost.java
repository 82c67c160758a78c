package io.keelson.registry;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Where an image's registry is and how to speak to it. */
public final class RegistryHost {

    /** The host Docker Hub's API answers on, for references without a registry part. */
    public static final String DOCKER_HUB = "registry-1.docker.io";

    private RegistryHost() {}

    /** The registry host of a reference: its domain, or Docker Hub's API host. */
    public static String of(ImageRef ref) {
        if (ref.domain() == null
                || ref.domain().equals("docker.io")
                || ref.domain().equals("index.docker.io")) {
            return DOCKER_HUB;
        }
        return ref.domain();
    }

    /** Docker Hub goes by several names; every other host is compared as written. */
    public static String normalize(String host) {
        return switch (host) {
            case "docker.io", "index.docker.io", "registry.hub.docker.com" -> DOCKER_HUB;
            default -> host;
        };
    }

    /** Hosts a registry's bearer-token realm is known to live on, besides the registry itself. */
    static boolean knownRealm(String registryHost, String realmHost) {
        return registryHost.equals(DOCKER_HUB) && realmHost.equals("auth.docker.io");
    }

    /** The repository path as the registry API names it: Hub's official images live under library/. */
    public static String path(ImageRef ref) {
        return of(ref).equals(DOCKER_HUB) && !ref.path().contains("/") ? "library/" + ref.path() : ref.path();
    }

    /**
     * Plain HTTP only for a registry on this machine's loopback; TLS, verified, everywhere else.
     * Names are not resolved: only {@code localhost} and literal loopback addresses count.
     */
    public static String scheme(String host) {
        String name = host.replaceFirst(":[0-9]+$", "").replace("[", "").replace("]", "");
        if (name.equals("localhost")) {
            return "http";
        }
        if (name.matches("[0-9.]+") || name.contains(":")) {
            try {
                return InetAddress.getByName(name).isLoopbackAddress() ? "http" : "https";
            } catch (UnknownHostException e) {
                return "https";
            }
        }
        return "https";
    }
}
