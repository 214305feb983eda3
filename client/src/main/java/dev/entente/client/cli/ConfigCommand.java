package dev.entente.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code entente config}: the configuration of the running hub. */
@Command(name = "config", description = "Show the configuration the running hub uses.",
        subcommands = {ConfigCommand.Show.class})
final class ConfigCommand {
    /**
     * {@code entente config show}: every setting with its value and source (flag, env, file,
     * default), as the running hub holds them; secrets as {@code <redacted>}.
     */
    @Command(name = "show", description = "Every setting of the running hub with its value and where it comes from "
            + "(flag, env, file or default); secrets redacted. Needs the admin role.")
    static final class Show extends ClientCommand {
        @Override
        public Integer call() {
            JsonNode config = client().get("api/v1/config");
            if ("json".equals(root().output())) {
                return print(config);
            }
            JsonNode settings = config.path("settings");
            int keyWidth = 3;
            int valueWidth = 5;
            for (JsonNode s : settings) {
                keyWidth = Math.max(keyWidth, s.path("key").asText().length());
                valueWidth = Math.max(valueWidth, value(s).length());
            }
            PrintWriter out = spec.commandLine().getOut();
            String row = "%-" + keyWidth + "s  %-" + valueWidth + "s  %s%n";
            out.printf(row, "KEY", "VALUE", "SOURCE");
            for (JsonNode s : settings) {
                String origin = s.path("origin").isTextual() ? " (" + s.path("origin").asText() + ")" : "";
                out.printf(row, s.path("key").asText(), value(s), s.path("source").asText() + origin);
            }
            out.flush();
            return 0;
        }

        private static String value(JsonNode setting) {
            return setting.path("value").isNull() ? "-" : setting.path("value").asText();
        }
    }
}
