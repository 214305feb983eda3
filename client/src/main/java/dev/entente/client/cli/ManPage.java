package dev.entente.client.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One man(7) page of a command, rendered from picocli's model: NAME, SYNOPSIS, DESCRIPTION,
 * COMMANDS, OPTIONS, EXIT STATUS, ENVIRONMENT, SEE ALSO. Plain man macros only, so groff, mandoc
 * and man-db render it the same way.
 */
final class ManPage {
    /** What every command reads from the environment; settings of a running hub come on top. */
    private static final List<String[]> ENVIRONMENT = List.of(
            new String[]{"ENTENTE_HUB", "Admin API URL of the hub to talk to, when --hub is not given."},
            new String[]{"ENTENTE_TOKEN", "Operator token for the admin API (default: the data dir's admin.token)."},
            new String[]{"ENTENTE_TLS_FINGERPRINT", "Certificate fingerprint to pin, when --tls-fingerprint is not given."},
            new String[]{"ENTENTE_DATA_DIR", "Data dir, when --data-dir is not given (default: $XDG_DATA_HOME/entente, "
                    + "else ~/.local/share/entente)."},
            new String[]{"ENTENTE_KEY_PASSPHRASE", "Passphrase of the hub's keys at rest."},
            new String[]{"ENTENTE_LOG_LEVEL", "Log level of a hub or worker (default info)."},
            new String[]{"ENTENTE_PG_CACHE", "Where the embedded PostgreSQL binaries are unpacked."},
            new String[]{"ENTENTE_JAVA_OPTS", "Extra JVM options for bin/entente."},
            new String[]{"ENTENTE_<SETTING>", "Any hub setting, e.g. ENTENTE_HUB_PORT for entente.hub.port; "
                    + "entente config show lists them with where each value comes from."});

    private ManPage() {
    }

    static String fileName(CommandSpec spec) {
        return spec.qualifiedName("-") + ".1";
    }

    static String render(CommandSpec spec) {
        StringBuilder page = new StringBuilder();
        String title = spec.qualifiedName("-");
        String version = spec.root().version().length > 0 ? spec.root().version()[0] : "entente";
        page.append(".TH ").append(quoted(title.toUpperCase())).append(" 1 \"\" ").append(quoted(version))
                .append(" \"Entente Manual\"\n");

        section(page, "NAME");
        page.append(text(title + " - " + firstSentence(description(spec)))).append('\n');

        section(page, "SYNOPSIS");
        page.append(synopsis(spec)).append('\n');

        section(page, "DESCRIPTION");
        paragraph(page, description(spec));

        List<CommandSpec> subcommands = subcommands(spec);
        if (!subcommands.isEmpty()) {
            section(page, "COMMANDS");
            for (CommandSpec sub : subcommands) {
                page.append(".TP\n").append(bold(sub.name())).append('\n');
                paragraph(page, description(sub));
            }
        }

        List<PositionalParamSpec> positionals = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!positionals.isEmpty()) {
            section(page, "ARGUMENTS");
            for (PositionalParamSpec p : positionals) {
                page.append(".TP\n").append(italic(p.paramLabel())).append('\n');
                paragraph(page, join(p.description()));
            }
        }

        options(page, "OPTIONS", spec.options().stream().filter(o -> !o.hidden() && !o.inherited()).toList());
        options(page, "GLOBAL OPTIONS", spec.options().stream().filter(o -> !o.hidden() && o.inherited()).toList());

        section(page, "EXIT STATUS");
        Map<String, String> exitCodes = spec.usageMessage().exitCodeList();
        if (exitCodes.isEmpty()) {
            exitCodes = Map.of("0", "Success.",
                    "1", "The command failed, or its answer is no (grants explain, audit verify); the problem, "
                            + "with its code and runbook, is on stderr.",
                    "2", "The command line is invalid.");
        }
        exitCodes.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            page.append(".TP\n").append(bold(e.getKey().trim())).append('\n');
            paragraph(page, e.getValue());
        });

        section(page, "ENVIRONMENT");
        for (String[] variable : ENVIRONMENT) {
            page.append(".TP\n").append(bold(variable[0])).append('\n');
            paragraph(page, variable[1]);
        }

        section(page, "SEE ALSO");
        List<String> related = new ArrayList<>();
        if (spec.parent() != null) {
            related.add(spec.parent().qualifiedName("-"));
        }
        subcommands.forEach(sub -> related.add(sub.qualifiedName("-")));
        if (related.isEmpty() || spec.parent() != null && spec.parent().parent() != null) {
            related.add(0, "entente");
        }
        for (int i = 0; i < related.size(); i++) {
            page.append(".BR ").append(text(related.get(i))).append(" (1)").append(i < related.size() - 1 ? "," : "")
                    .append('\n');
        }
        return page.toString();
    }

    private static List<CommandSpec> subcommands(CommandSpec spec) {
        List<CommandSpec> out = new ArrayList<>();
        spec.subcommands().forEach((name, sub) -> {
            CommandSpec s = sub.getCommandSpec();
            if (name.equals(s.name()) && !s.usageMessage().hidden()) {
                out.add(s);
            }
        });
        return out;
    }

    private static String synopsis(CommandSpec spec) {
        List<String> parts = new ArrayList<>();
        parts.add(bold(spec.qualifiedName(" ")));
        for (OptionSpec o : spec.options()) {
            if (o.hidden() || o.inherited() || o.usageHelp() || o.versionHelp()) {
                continue;
            }
            String option = bold(o.longestName()) + (takesValue(o) ? " " + italic(o.paramLabel()) : "");
            if (o.isMultiValue()) {
                option = option + "...";
            }
            parts.add(o.required() ? option : "[" + option + "]");
        }
        if (spec.options().stream().anyMatch(o -> !o.hidden() && o.inherited())) {
            parts.add("[" + italic("GLOBAL OPTIONS") + "]");
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden()) {
                continue;
            }
            String param = italic(p.paramLabel()) + (p.arity().max() > 1 ? "..." : "");
            parts.add(p.arity().min() > 0 ? param : "[" + param + "]");
        }
        if (!subcommands(spec).isEmpty()) {
            parts.add(italic("COMMAND"));
        }
        return String.join(" ", parts);
    }

    private static void options(StringBuilder page, String heading, List<OptionSpec> options) {
        if (options.isEmpty()) {
            return;
        }
        section(page, heading);
        for (OptionSpec o : options) {
            List<String> names = new ArrayList<>();
            for (String name : o.names()) {
                names.add(bold(name));
            }
            page.append(".TP\n").append(String.join(", ", names))
                    .append(takesValue(o) ? " " + italic(o.paramLabel()) : "").append('\n');
            String description = join(o.description());
            if (o.required()) {
                description = description.isEmpty() ? "Required." : description + " Required.";
            }
            paragraph(page, description);
        }
    }

    private static boolean takesValue(OptionSpec o) {
        return o.arity().max() > 0 && !o.typeInfo().isBoolean();
    }

    private static String description(CommandSpec spec) {
        return join(spec.usageMessage().description());
    }

    private static String join(String[] lines) {
        return String.join(" ", lines).replace("%n", " ").trim();
    }

    private static String firstSentence(String description) {
        int end = description.indexOf(": ");
        String first = end > 0 ? description.substring(0, end) : description;
        return first.endsWith(".") ? first.substring(0, first.length() - 1) : first;
    }

    private static void section(StringBuilder page, String name) {
        page.append(".SH ").append(quoted(name)).append('\n');
    }

    /** A paragraph; none for an empty text (a blank line would be a paragraph break of its own). */
    private static void paragraph(StringBuilder page, String s) {
        if (!s.isBlank()) {
            page.append(text(s)).append('\n');
        }
    }

    private static String bold(String s) {
        return "\\fB" + escape(s) + "\\fR";
    }

    private static String italic(String s) {
        return "\\fI" + escape(s) + "\\fR";
    }

    private static String quoted(String s) {
        return "\"" + escape(s).replace("\"", "\\(dq") + "\"";
    }

    /** A text line: escaped, and guarded so that a leading . or ' is not read as a request. */
    static String text(String s) {
        String escaped = escape(s);
        return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
    }

    /** Backslashes and hyphens escaped, anything outside ASCII as a named glyph, so no renderer guesses. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c == '\\') {
                out.append("\\e");
            } else if (c == '-') {
                out.append("\\-");
            } else if (c == '\n') {
                out.append(' ');
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\[u%04X]", c));
            } else {
                out.append((char) c);
            }
        });
        return out.toString();
    }
}
