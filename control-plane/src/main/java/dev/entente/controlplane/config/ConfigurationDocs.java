package dev.entente.controlplane.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Generates {@code docs/configuration.md} from the configuration records of this package: the
 * keys, defaults and Javadoc that Micronaut's annotation processor writes to
 * {@value #METADATA} when it compiles them. A spec compares the checked-in page with a fresh
 * rendering, so the page cannot drift from the classes.
 */
public final class ConfigurationDocs {
    /** How to regenerate the page from the repository root; the staleness spec prints it. */
    public static final String REGENERATE_COMMAND =
            "mvn -B -pl control-plane -am test -Dtest=ConfigurationSpec -Dsurefire.failIfNoSpecifiedTests=false "
                    + "-Dentente.docs.regenerate=true";
    static final String METADATA = "META-INF/spring-configuration-metadata.json";
    private static final String PACKAGE = ConfigurationDocs.class.getPackageName() + ".";

    private ConfigurationDocs() {
    }

    /** One documented key: its default as written in the class ({@code null}: none, the meaning says what unset does). */
    public record Setting(String key, String defaultValue, String meaning) {
    }

    /** One configuration record: its prefix, what it is about, its keys in declaration order. */
    public record Group(String prefix, String about, List<Setting> settings) {
    }

    /** Every configuration record of this package, by prefix. */
    public static List<Group> groups() {
        Map<String, String> about = new TreeMap<>();
        Map<String, List<Setting>> settings = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        try {
            Enumeration<URL> files = ConfigurationDocs.class.getClassLoader().getResources(METADATA);
            while (files.hasMoreElements()) {
                JsonNode metadata;
                try (InputStream in = files.nextElement().openStream()) {
                    metadata = json.readTree(in);
                }
                for (JsonNode g : metadata.path("groups")) {
                    if (g.path("type").asText().startsWith(PACKAGE)) {
                        about.put(g.path("name").asText(), text(g.path("description").asText()));
                    }
                }
                for (JsonNode p : metadata.path("properties")) {
                    if (p.path("sourceType").asText().startsWith(PACKAGE)) {
                        String key = p.path("name").asText();
                        String meaning = text(p.path("description").asText());
                        String group = key.substring(0, key.lastIndexOf('.'));
                        if (p.path("type").asText().equals(Map.class.getName())) {
                            meaning += "; entries: " + (SettingKeys.openEntries(key) ? "any group name of the identity provider"
                                    : String.join(", ", SettingKeys.entries(key)));
                            key += ".<entry>";
                        }
                        settings.computeIfAbsent(group, k -> new ArrayList<>())
                                .add(new Setting(key, p.hasNonNull("defaultValue") ? p.get("defaultValue").asText() : null, meaning));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Group> out = new ArrayList<>();
        about.forEach((prefix, text) -> out.add(new Group(prefix, text, settings.getOrDefault(prefix, List.of()))));
        return out;
    }

    /** The whole page; same classes, same bytes. */
    public static String document() {
        StringBuilder out = new StringBuilder();
        out.append("# Configuration\n\n");
        out.append("<!-- Generated from the configuration records in dev.entente.controlplane.config by "
                + "ConfigurationDocs; do not edit. Regenerate: ").append(REGENERATE_COMMAND).append(" -->\n\n");
        out.append("A hub reads its settings from `start` flags (`--bind`, `--port`, `--name`, `--db-url`), then "
                + "environment variables, then `<data-dir>/entente.yml` (or `--config FILE`); the first that sets a key "
                + "wins. The environment form of a key is upper case with `_` for `.` and `-`: "
                + "`ENTENTE_HEARTBEAT_INTERVAL=1s` sets `entente.heartbeat.interval`.\n\n");
        out.append("An `entente.*` key in `entente.yml` or the flags that is not listed here stops the start with "
                + "`invalid_request`, naming the key, where it was written and the nearest valid key. An unknown "
                + "`ENTENTE_*` variable under one of the prefixes below (`ENTENTE_HEARTBEAT_...`) is logged as a warning "
                + "and ignored: the environment also carries variables for the CLI such as `ENTENTE_TOKEN`.\n\n");
        out.append("Durations are written like `500ms`, `30s`, `5m`, `24h` or `7d` (at most 36500d).\n");
        for (Group g : groups()) {
            out.append("\n## `").append(g.prefix()).append("`\n\n").append(g.about()).append("\n\n");
            out.append("| key | default | meaning |\n|---|---|---|\n");
            for (Setting s : g.settings()) {
                out.append("| `").append(s.key()).append("` | ")
                        .append(s.defaultValue() == null ? "unset" : "`" + s.defaultValue() + "`").append(" | ")
                        .append(s.meaning().replace("|", "\\|")).append(" |\n");
            }
        }
        return out.toString();
    }

    /** Javadoc text as Markdown on one line: {@code {@code x}} becomes {@code `x`}. */
    private static String text(String javadoc) {
        return javadoc.replaceAll("\\{@code ([^}]*)}", "`$1`").replaceAll("\\s+", " ").trim();
    }

    /** Writes the page to {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Files.writeString(Path.of(args[0]), document(), StandardCharsets.UTF_8);
    }
}
