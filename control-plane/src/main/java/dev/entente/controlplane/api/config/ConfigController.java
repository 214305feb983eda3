package dev.entente.controlplane.api.config;

import dev.entente.controlplane.config.EffectiveConfiguration;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

import java.util.List;

/**
 * {@code GET /api/v1/config}: the settings this hub runs with, each with its source (flag, env,
 * file, default); secrets redacted. Admin only: values such as the database URL map the network.
 */
@Controller("/api/v1/config")
public class ConfigController {
    private final ApplicationContext context;

    public ConfigController(ApplicationContext context) {
        this.context = context;
    }

    /** The effective configuration. */
    public record Config(List<EffectiveConfiguration.Setting> settings) {
    }

    @Get
    public Config show() {
        return new Config(EffectiveConfiguration.of(context));
    }
}
