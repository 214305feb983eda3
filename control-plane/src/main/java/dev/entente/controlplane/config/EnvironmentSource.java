package dev.entente.controlplane.config;

import io.micronaut.context.env.EnvironmentPropertySource;
import io.micronaut.context.env.MapPropertySource;

import java.util.Map;
import java.util.TreeMap;

/**
 * Environment variables as Micronaut's own source reads them ({@code ENTENTE_HEARTBEAT_INTERVAL}
 * sets {@code entente.heartbeat.interval}, between start flags and {@code entente.yml}), but from
 * the environment the launcher is handed rather than the process's: the CLI hands it the process
 * environment, specs their own.
 */
public final class EnvironmentSource extends MapPropertySource {
    public EnvironmentSource(Map<String, String> env) {
        super(EnvironmentPropertySource.NAME, new TreeMap<>(env));
    }

    @Override
    public int getOrder() {
        return EnvironmentPropertySource.POSITION;
    }

    @Override
    public PropertyConvention getConvention() {
        return PropertyConvention.ENVIRONMENT_VARIABLE;
    }

    @Override
    public Origin getOrigin() {
        return EnvironmentPropertySource.ORIGIN;
    }
}
