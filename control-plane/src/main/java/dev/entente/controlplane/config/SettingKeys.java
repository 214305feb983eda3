package dev.entente.controlplane.config;

import dev.entente.federation.approval.ApprovalGate;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.context.BeanDefinitionRegistry;
import io.micronaut.context.annotation.ConfigurationReader;
import io.micronaut.context.env.PropertySource;
import io.micronaut.core.naming.NameUtils;
import io.micronaut.core.type.Argument;
import io.micronaut.core.value.PropertyResolver;
import io.micronaut.inject.BeanDefinition;
import io.micronaut.inject.qualifiers.Qualifiers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every {@code entente.*} key the configuration classes of this package bind, read from their
 * bean definitions (prefix plus constructor argument), so the set cannot drift from the classes;
 * and the check that refuses any other key before a hub starts.
 */
public final class SettingKeys {
    /** Where a key written in the docs or an error points operators for the whole list. */
    static final String REFERENCE = "docs/configuration.md";
    private static final String ROOT = "entente";
    private static final Set<String> FLAG_WORDS = Set.of("true", "false", "yes", "no", "on", "off", "y", "n");

    /** Plain keys, e.g. {@code entente.heartbeat.interval}. */
    private final SortedSet<String> keys = new TreeSet<>();
    /** The keys whose values Micronaut converts from text (a port, a flag), with their types. */
    private final SortedMap<String, Class<?>> converted = new TreeMap<>();
    /** Map-valued keys and the entry names each accepts, e.g. {@code entente.approvals.policy} → actions. */
    private final SortedMap<String, List<String>> maps = new TreeMap<>();
    /** {@code entente.heartbeat} and friends: a key under one of these names a setting, or is a typo of one. */
    private final SortedSet<String> prefixes = new TreeSet<>();

    private SettingKeys() {
    }

    /** The keys of every {@code @ConfigurationProperties} bean under {@code entente} that {@code registry} knows. */
    public static SettingKeys of(BeanDefinitionRegistry registry) {
        SettingKeys out = new SettingKeys();
        Collection<BeanDefinition<?>> readers = registry.getBeanDefinitions(Qualifiers.byStereotype(ConfigurationReader.class));
        for (BeanDefinition<?> d : readers) {
            String prefix = d.stringValue(ConfigurationReader.class, "prefix").orElse("");
            if (!prefix.equals(ROOT) && !prefix.startsWith(ROOT + ".")) {
                continue;
            }
            if (!d.getBeanType().isRecord()) {
                // Only a record's keys are its constructor's arguments; a setter-bound class's keys would be refused.
                throw new IllegalStateException(d.getBeanType().getName() + " binds " + prefix
                        + ".* but is not a record; make it one so the start accepts its keys");
            }
            if (!prefix.equals(ROOT)) {
                out.prefixes.add(prefix);
            }
            for (Argument<?> a : d.getConstructor().getArguments()) {
                String key = prefix + "." + NameUtils.hyphenate(a.getName());
                if (Map.class.isAssignableFrom(a.getType())) {
                    out.maps.put(key, entries(key));
                } else {
                    out.keys.add(key);
                    if (a.getType() != String.class) {
                        out.converted.put(key, a.getType());
                    }
                }
            }
        }
        return out;
    }

    /** The map-valued setting whose entry names are the operator's own (identity provider groups), not Entente's. */
    static final String GROUPS_TO_ROLES = "entente.oidc.groups-to-roles";

    /** What a map-valued setting accepts as entry names; empty for {@link #openEntries} ones, which take any. */
    static List<String> entries(String key) {
        if (key.equals("entente.approvals.policy")) {
            return ApprovalGate.ACTIONS;
        }
        if (openEntries(key)) {
            return List.of();
        }
        throw new IllegalStateException("no entry names known for the map-valued setting " + key);
    }

    /** Whether {@code key} is a map whose entries the operator names (a group name cannot be a typo). */
    static boolean openEntries(String key) {
        return key.equals(GROUPS_TO_ROLES);
    }

    /** The plain keys, sorted. */
    public SortedSet<String> keys() {
        return keys;
    }

    /** The map-valued keys with the entry names each accepts. */
    public SortedMap<String, List<String>> maps() {
        return maps;
    }

    /**
     * Refuses an unknown {@code entente.*} key in start flags or a configuration file, naming the
     * source; returns warnings for the environment, which is shared with other programs and with
     * the CLI's own variables, so an unknown name there is not refused.
     */
    public List<String> check(List<PropertySource> sources) {
        List<String> warnings = new ArrayList<>();
        for (PropertySource source : sources) {
            if (source.getConvention() == PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE) {
                warnings.addAll(unknownInEnvironment(source));
            } else {
                refuseUnknown(source, source.getName());
            }
        }
        return warnings;
    }

    /**
     * Refuses the first {@code entente.*} key of {@code source} that no configuration class binds,
     * with {@code invalid_request} naming the key, {@code origin} and the nearest valid key.
     */
    public void refuseUnknown(Iterable<String> source, String origin) {
        for (String key : source) {
            String problem = problem(key, origin);
            if (problem != null) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, problem, Map.of("setting", key));
            }
        }
    }

    /**
     * Refuses a value Micronaut cannot convert to its setting's type, which it would otherwise
     * bind as the default ({@code entente.hub.port: seventy} must not quietly listen on 7443), and
     * a flag that is not one of the words Micronaut reads as on or off: it reads anything else,
     * {@code 1} included, as false.
     */
    public void refuseUnconvertible(PropertyResolver values) {
        converted.forEach((key, type) -> {
            Optional<String> text = values.get(key, String.class);
            if (text.isEmpty()) {
                return;
            }
            boolean flag = type == boolean.class || type == Boolean.class;
            boolean fine = flag ? FLAG_WORDS.contains(text.get().trim().toLowerCase(Locale.ROOT))
                    : values.get(key, Argument.of(type)).isPresent();
            if (!fine) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, key + " must be "
                        + (flag ? "true or false" : "a whole number") + ", not " + text.get(), Map.of("setting", key));
            }
        });
    }

    /**
     * What is wrong with the {@code ENTENTE_*} variables of {@code environment} that fall under a
     * setting's prefix ({@code ENTENTE_HEARTBEAT_...}) but name none. Others, such as
     * {@code ENTENTE_TOKEN} or {@code ENTENTE_KEY_PASSPHRASE}, are read by the CLI, not settings.
     */
    public List<String> unknownInEnvironment(PropertySource environment) {
        List<String> out = new ArrayList<>();
        for (String name : environment) {
            if (!name.startsWith("ENTENTE_") || isSetting(name) || prefixes.stream().noneMatch(p -> name.startsWith(envForm(p) + "_"))) {
                continue;
            }
            String nearest = nearest(name, candidates().stream().map(SettingKeys::envForm).toList());
            out.add("unknown setting " + name + " in the environment, ignored"
                    + (nearest == null ? "; every setting is listed in " + REFERENCE : "; did you mean " + nearest + "?"));
        }
        return out;
    }

    private boolean isSetting(String envName) {
        if (maps.keySet().stream().filter(SettingKeys::openEntries).anyMatch(m -> envName.startsWith(envForm(m) + "_"))) {
            return true;
        }
        return candidates().stream().map(SettingKeys::envForm).anyMatch(envName::equals);
    }

    /** Null when {@code key} is fine, else why it is refused. */
    private String problem(String key, String origin) {
        if (!key.equals(ROOT) && !key.startsWith(ROOT + ".") || keys.contains(key)) {
            return null;
        }
        for (Map.Entry<String, List<String>> m : maps.entrySet()) {
            if (key.startsWith(m.getKey() + ".")) {
                if (openEntries(m.getKey())) {
                    return null;
                }
                String entry = key.substring(m.getKey().length() + 1);
                // The environment form cannot tell peer.revoke from peer-revoke: both name the action.
                if (m.getValue().contains(entry.replace('-', '.'))) {
                    return null;
                }
                String nearest = nearest(entry, m.getValue());
                return "unknown " + m.getKey() + " entry " + entry + " (" + key + ") in " + origin + "; the entries are "
                        + String.join(", ", m.getValue()) + (nearest == null ? "" : "; did you mean " + m.getKey() + "." + nearest + "?");
            }
        }
        String nearest = nearest(key, candidates());
        return "unknown setting " + key + " in " + origin
                + (nearest == null ? "; every setting is listed in " + REFERENCE : "; did you mean " + nearest + "?");
    }

    /** Every full key an operator may write, map entries included. */
    private List<String> candidates() {
        List<String> out = new ArrayList<>(keys);
        maps.forEach((key, entries) -> entries.forEach(e -> out.add(key + "." + e)));
        return out;
    }

    /** {@code entente.heartbeat.stale-after} as Micronaut reads it from the environment: {@code ENTENTE_HEARTBEAT_STALE_AFTER}. */
    static String envForm(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The candidate closest to {@code word} by edit distance, or null when none is close enough to be a typo of it. */
    static String nearest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(word, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(3, word.length() / 4) ? best : null;
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
