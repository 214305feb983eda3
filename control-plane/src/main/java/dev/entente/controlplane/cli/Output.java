package dev.entente.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Prints API answers as JSON ({@code --output json}, the API's own snake_case) or as a table. */
final class Output {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Output() {
    }

    static void print(PrintWriter out, String format, JsonNode node) {
        if ("json".equals(format)) {
            out.println(json(node));
        } else if (node.isArray()) {
            table(out, node);
        } else if (node.isObject()) {
            keyValues(out, node, "");
        } else {
            out.println(node.asText());
        }
        out.flush();
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
            } else {
                out.printf("%s%-" + width + "s  %s%n", indent, e.getKey(), cell(e.getValue()));
            }
        }
    }

    private static void table(PrintWriter out, JsonNode array) {
        if (array.isEmpty()) {
            out.println("(none)");
            return;
        }
        Set<String> columns = new LinkedHashSet<>();
        array.forEach(row -> row.fieldNames().forEachRemaining(columns::add));
        List<String> cols = new ArrayList<>(columns);
        int[] widths = new int[cols.size()];
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < cols.size(); i++) {
            widths[i] = cols.get(i).length();
        }
        for (JsonNode row : array) {
            String[] cells = new String[cols.size()];
            for (int i = 0; i < cols.size(); i++) {
                cells[i] = cell(row.get(cols.get(i)));
                widths[i] = Math.min(60, Math.max(widths[i], cells[i].length()));
            }
            rows.add(cells);
        }
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < cols.size(); i++) {
            header.append(String.format("%-" + widths[i] + "s  ", cols.get(i).toUpperCase()));
        }
        out.println(header.toString().stripTrailing());
        for (String[] cells : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                String c = cells[i].length() > 60 ? cells[i].substring(0, 57) + "..." : cells[i];
                line.append(String.format("%-" + widths[i] + "s  ", c));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String cell(JsonNode v) {
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
