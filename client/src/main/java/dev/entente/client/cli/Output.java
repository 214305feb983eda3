package dev.entente.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Prints API answers as JSON ({@code --output json}, the API's own snake_case) or as a table. A
 * list command names the columns an operator scans; JSON keeps every field. No cell is cut short:
 * ids and fingerprints are only useful whole.
 */
final class Output {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Output() {
    }

    static void print(PrintWriter out, String format, JsonNode node) {
        if ("json".equals(format)) {
            out.println(json(node));
        } else if (node.isArray()) {
            table(out, node, "");
        } else if (node.isObject()) {
            keyValues(out, node, "");
        } else {
            out.println(node.asText());
        }
        out.flush();
    }

    /** An array as a table of these columns (a single object as key/value lines); JSON as it is. */
    static void print(PrintWriter out, String format, JsonNode node, List<Column> columns) {
        if ("json".equals(format) || !node.isArray()) {
            print(out, format, node);
            return;
        }
        List<String> headers = columns.stream().map(Column::header).toList();
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode row : node) {
            rows.add(columns.stream().map(c -> c.cell().apply(row)).toList());
        }
        table(out, headers, rows, "");
        out.flush();
    }

    /** A column of a table: its header and how to read its cell from one element of the answer. */
    record Column(String header, Function<JsonNode, String> cell) {
        /** A field as it is; a nested one as {@code node_cert.not_after}. */
        static Column field(String header, String path) {
            return new Column(header, row -> Output.cell(at(row, path)));
        }

        /** A time as its distance from now: {@code 12s ago}, {@code in 29d}. */
        static Column age(String header, String path) {
            return new Column(header, row -> relative(at(row, path), Instant.now()));
        }

        private static JsonNode at(JsonNode row, String path) {
            JsonNode n = row;
            for (String part : path.split("\\.")) {
                n = n == null ? null : n.get(part);
            }
            return n;
        }
    }

    /** {@code 12s ago} or {@code in 29d}; a value that is no time is printed as it is. */
    static String relative(JsonNode time, Instant now) {
        if (time == null || time.isNull()) {
            return "-";
        }
        try {
            Duration d = Duration.between(now, Instant.parse(time.asText()));
            return d.isNegative() ? span(d.negated()) + " ago" : "in " + span(d);
        } catch (DateTimeParseException e) {
            return time.asText();
        }
    }

    /** The largest unit that keeps two digits of precision: 90s, 45m, 36h, 29d. */
    static String span(Duration d) {
        long s = d.toSeconds();
        if (s < 120) {
            return s + "s";
        }
        if (s < 120 * 60) {
            return s / 60 + "m";
        }
        if (s < 48 * 3600) {
            return s / 3600 + "h";
        }
        return s / 86400 + "d";
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void keyValues(PrintWriter out, JsonNode node, String indent) {
        int width = 0;
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            width = Math.max(width, it.next().length());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isObject() && e.getValue().size() > 0) {
                out.println(indent + e.getKey() + ":");
                keyValues(out, e.getValue(), indent + "  ");
            } else if (isTable(e.getValue())) {
                // A list of records (grants explain's checks, worker pauses' jobs) reads best as a table of its own.
                out.println(indent + e.getKey() + ":");
                table(out, e.getValue(), indent + "  ");
            } else {
                out.printf("%s%-" + width + "s  %s%n", indent, e.getKey(), cell(e.getValue()));
            }
        }
    }

    private static boolean isTable(JsonNode value) {
        if (!value.isArray() || value.isEmpty()) {
            return false;
        }
        for (JsonNode element : value) {
            if (!element.isObject()) {
                return false;
            }
        }
        return true;
    }

    /** Every field any element has, in first-seen order: for answers no command has picked columns for. */
    private static void table(PrintWriter out, JsonNode array, String indent) {
        Set<String> columns = new LinkedHashSet<>();
        array.forEach(row -> row.fieldNames().forEachRemaining(columns::add));
        List<String> headers = columns.stream().map(c -> c.replace('_', ' ').toUpperCase(Locale.ROOT)).toList();
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode row : array) {
            rows.add(columns.stream().map(c -> cell(row.get(c))).toList());
        }
        table(out, headers, rows, indent);
    }

    private static void table(PrintWriter out, List<String> headers, List<List<String>> rows, String indent) {
        if (rows.isEmpty()) {
            out.println(indent + "(none)");
            return;
        }
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        out.println(indent + line(headers, widths));
        for (List<String> row : rows) {
            out.println(indent + line(row, widths));
        }
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            line.append(String.format("%-" + widths[i] + "s  ", cells.get(i)));
        }
        return line.toString().stripTrailing();
    }

    static String cell(JsonNode v) {
        if (v == null || v.isNull()) {
            return "-";
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(x -> parts.add(x.isValueNode() ? x.asText() : x.toString()));
            return parts.isEmpty() ? "-" : String.join(",", parts);
        }
        if (v.isObject()) {
            return v.toString();
        }
        return v.asText();
    }
}
