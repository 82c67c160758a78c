package io.keelson.notify;

import io.keelson.catalog.NotifySpec;
import io.keelson.catalog.Redactor;
import io.keelson.catalog.TargetCatalog;
import io.keelson.deploy.DeploymentEnded;
import io.keelson.deploy.DeploymentView;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Tells the configured channels how each deployment ended. It runs after the deployment is
 * recorded, on its own threads, so a slow or dead receiver never delays or fails a deployment.
 * Addresses are never logged: a Slack webhook URL is a secret.
 */
@ApplicationScoped
public class Notifier {

    private static final Logger LOG = Logger.getLogger(Notifier.class);

    private final NotifyConfig config;
    private final TargetCatalog catalog;
    private final WebhookSender sender;
    private final Redactor redactor;

    public Notifier(NotifyConfig config, TargetCatalog catalog, WebhookSender sender, Redactor redactor) {
        this.redactor = redactor;
        this.config = config;
        this.catalog = catalog;
        this.sender = sender;
    }

    void learnGlobalAddress(@Observes StartupEvent event) {
        config.url().ifPresent(redactor::register);
    }

    void onEnd(@ObservesAsync DeploymentEnded event) {
        DeploymentView d = event.deployment();
        String ending = d.status().name().toLowerCase(Locale.ROOT);
        for (NotifySpec channel : channels(d.target())) {
            List<String> on = channel.on() == null ? NotifySpec.DEFAULT_ON : channel.on();
            if (!on.contains(ending)) {
                continue;
            }
            String link =
                    config.linkBase().map(b -> b.replaceAll("/+$", "")).orElse("") + "/api/v1/deployments/" + d.id();
            String body = redactor.scrub(
                    (channel.format() == NotifySpec.Format.SLACK ? Payloads.slack(d, link) : Payloads.json(d, link))
                            .toString());
            try {
                sender.send(uri(address(channel)), "application/json", body);
                LOG.infof(
                        "notified a %s channel of deployment %s (%s)",
                        channel.format() == null
                                ? "json"
                                : channel.format().name().toLowerCase(Locale.ROOT),
                        d.id(),
                        d.status());
            } catch (RuntimeException e) {
                LOG.warnf(
                        "could not notify a channel of deployment %s of %s: %s",
                        d.id(), d.target(), redactor.scrub(e.getMessage()));
            }
        }
    }

    private List<NotifySpec> channels(String target) {
        List<NotifySpec> channels = new ArrayList<>();
        config.url()
                .ifPresent(url -> channels.add(new NotifySpec(
                        url,
                        null,
                        null,
                        "slack".equalsIgnoreCase(config.format()) ? NotifySpec.Format.SLACK : NotifySpec.Format.JSON,
                        config.on())));
        catalog.find(target).map(t -> t.spec().notifications()).ifPresent(list -> channels.addAll(list));
        return channels;
    }

    /** The address as a URI; the message of a bad one never repeats it, since it may be a secret. */
    private static URI uri(String address) {
        try {
            URI uri = URI.create(address);
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "the channel's address is not an http:// or https:// URL (not shown: it may be a secret)");
        }
    }

    private static String address(NotifySpec channel) {
        return channel.url() != null ? channel.url() : channel.address().read().orElseThrow();
    }
}
