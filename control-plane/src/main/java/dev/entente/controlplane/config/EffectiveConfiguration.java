package dev.entente.controlplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.context.env.PropertySource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@code entente config show} prints: every setting a hub runs with, its value and where the
 * value came from, read from the hub's own Micronaut environment (the sources the launcher gave
 * it), so the answer is the configuration in force and not a re-reading of files that may have
 * changed since the start.
 */
public final class EffectiveConfiguration {
    /** The name HubLauncher gives the property source of {@code entente start}'s flags. */
    public static final String FLAGS_SOURCE = "start flags";
    /** Shown instead of a secret's value: the source still says where to change it. */
    static final String REDACTED = "<redacted>";
    private static final Pattern SECRET_KEY = Pattern.compile(".*(password|secret|passphrase)$");
    /** A password in a JDBC URL's query ({@code ?password=...}) or user info ({@code //user:pw@host}). */
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*|(//[^/:@]+:)[^@/]*@");

    private EffectiveConfiguration() {
    }

    /** Where a value comes from, highest precedence first. */
    public enum Source {
        /** A flag of {@code entente start}. */
        @JsonProperty("flag") FLAG,
        /** An {@code ENTENTE_*} environment variable. */
        @JsonProperty("env") ENV,
        /** The configuration file ({@code <data-dir>/entente.yml} or {@code --config}). */
        @JsonProperty("file") FILE,
        /** Nothing sets it: the documented default applies. */
        @JsonProperty("default") DEFAULT
    }

    /**
     * One setting in force.
     *
     * @param value  as written where it was set (or the documented default), {@code <redacted>} for
     *               secrets; null when unset and without a default
     * @param origin the variable or file that set it ({@code ENTENTE_HUB_PORT}, {@code /etc/entente.yml}), or
     *               {@code start flags}; null for a default
     * @param secret whether the value is withheld
     */
    public record Setting(String key, String value, Source source, String origin, boolean secret) {
    }

    /** Every setting the hub of {@code context} knows, sorted by key; map entries only when set. */
    public static List<Setting> of(ApplicationContext context) {
        SettingKeys known = SettingKeys.of(context);
        Environment environment = context.getEnvironment();
        Map<String, String> defaults = new HashMap<>();
        ConfigurationDocs.groups().forEach(g -> g.settings().forEach(s -> defaults.put(s.key(), s.defaultValue())));
        List<PropertySource> sources = new ArrayList<>(environment.getPropertySources());
        sources.sort(Comparator.comparingInt(PropertySource::getOrder).reversed());
        List<String> keys = new ArrayList<>(known.keys());
        known.maps().forEach((key, entries) -> entries.forEach(e -> keys.add(key + "." + e)));
        known.maps().keySet().stream().filter(SettingKeys::openEntries).forEach(key -> keys.addAll(entriesSet(key, sources)));
        List<Setting> out = new ArrayList<>();
        for (String key : keys.stream().sorted().toList()) {
            Optional<Setting> set = sources.stream().map(s -> setIn(s, key)).flatMap(Optional::stream).findFirst();
            if (set.isPresent()) {
                out.add(set.get());
            } else if (!known.maps().containsKey(key.substring(0, key.lastIndexOf('.')))) {
                out.add(new Setting(key, redact(key, defaults.get(key)), Source.DEFAULT, null, isSecret(key)));
            }
        }
        return out;
    }

    /** The entries of an open map ({@code entente.oidc.groups-to-roles.<group>}) that some source sets. */
    private static List<String> entriesSet(String key, List<PropertySource> sources) {
        List<String> out = new ArrayList<>();
        for (PropertySource source : sources) {
            boolean env = source.getConvention() == PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE;
            String prefix = (env ? SettingKeys.envForm(key) + "_" : key + ".");
            for (String name : source) {
                if (name.startsWith(prefix) && name.length() > prefix.length()) {
                    String entry = key + "." + (env ? name.substring(prefix.length()).toLowerCase(Locale.ROOT) : name.substring(prefix.length()));
                    if (!out.contains(entry)) {
                        out.add(entry);
                    }
                }
            }
        }
        return out;
    }

    private static Optional<Setting> setIn(PropertySource source, String key) {
        boolean env = source.getConvention() == PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE;
        String name = env ? SettingKeys.envForm(key) : key;
        Object value = source.get(name);
        if (value == null) {
            return Optional.empty();
        }
        Source kind = env ? Source.ENV : FLAGS_SOURCE.equals(source.getName()) ? Source.FLAG : Source.FILE;
        String origin = env ? name : source.getName();
        return Optional.of(new Setting(key, redact(key, String.valueOf(value)), kind, origin, isSecret(key)));
    }

    static boolean isSecret(String key) {
        return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches();
    }

    static String redact(String key, String value) {
        if (value == null) {
            return null;
        }
        if (isSecret(key)) {
            return REDACTED;
        }
        return URL_PASSWORD.matcher(value).replaceAll(m -> m.group(1) != null ? m.group(1) + REDACTED : m.group(2) + REDACTED + "@");
    }
}
