package dev.entente.federation.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entente.lifecycle.error.EntenteException;

import java.util.Map;

/**
 * Commands as JSON, as a stored approval request keeps them: the action in its own column and the
 * other fields as its arguments, in the shape the hub has always stored them, so requests stored
 * by earlier versions still load.
 */
public final class CommandJson {
    /** The type discriminator: the action's name. */
    public static final String ACTION = "action";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CommandJson() {
    }

    /** The arguments an approval request stores for {@code command}: its fields, without the action. */
    public static ObjectNode arguments(OperatorCommand command) {
        ObjectNode node = JSON.valueToTree(command);
        node.remove(ACTION);
        return node;
    }

    /**
     * The command an approval request stored as {@code action} and {@code arguments}, checked
     * again as any new command is: a value that no longer passes fails the request with the
     * command's own error.
     */
    public static OperatorCommand read(String action, ObjectNode arguments) {
        ObjectNode node = arguments.deepCopy();
        node.put(ACTION, action);
        try {
            return JSON.treeToValue(node, OperatorCommand.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw unwrap(e, action);
        }
    }

    /** {@code json} (an object) as a tree. */
    public static ObjectNode tree(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("approval arguments are not a JSON object", e);
        }
    }

    /** {@code value} (a JSON object) as plain JSON values, for an API answer or audit details. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> plain(Object value) {
        return JSON.convertValue(value, Map.class);
    }

    // A command's own check fails inside Jackson's instantiation: its error is what the caller sees.
    private static RuntimeException unwrap(Exception e, String action) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EntenteException ee) {
                return ee;
            }
        }
        return new IllegalStateException("stored arguments of " + action + " do not make a command: " + e.getMessage(), e);
    }
}
