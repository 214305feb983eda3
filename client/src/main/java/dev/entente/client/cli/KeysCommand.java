package dev.entente.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.ca.vault.KeyVault;
import dev.entente.ca.vault.Passphrases;
import dev.entente.client.request.keys.RekeyRequest;
import dev.entente.client.request.keys.RotateKeysRequest;
import dev.entente.client.cli.Output.Column;
import dev.entente.lifecycle.error.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.Console;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code entente keys list | rotate --type T | rekey}. The passphrase constants used here are
 * compile-time constants: a client command must not load the vault's classes.
 */
@Command(name = "keys", description = "The hub's keys: where each lives, rotations with stated effects, re-keying the vault.",
        subcommands = {KeysCommand.ListKeys.class, KeysCommand.Rotate.class, KeysCommand.Rekey.class})
final class KeysCommand {
    /** Read instead of the current passphrase's file or prompt when set, as {@code entente start} reads it. */
    static final String NEW_PASSPHRASE_ENV = "ENTENTE_NEW_KEY_PASSPHRASE";

    static final List<Column> COLUMNS = List.of(Column.field("TYPE", "type"), Column.field("ID", "id"),
            Column.field("ALGORITHM", "algorithm"), Column.field("STATUS", "status"), Column.field("CREATED", "created_at"),
            Column.field("RETIRED", "retired_at"), Column.field("OWNER", "owner"), Column.field("STORE", "store"));

    @Command(name = "list", description = "Each key: type, id, algorithm, current or retired, created, and where it lives.")
    static final class ListKeys extends ClientCommand {
        @Option(names = "--type", paramLabel = "T",
                description = "Only keys of this type: token-signing, audit-hmac, tls, federation-ca, audit-anchor, node.")
        String type;

        @Override
        public Integer call() {
            return print(client().get("api/v1/keys" + (type == null ? "" : "?type=" + URLEncoder.encode(type, StandardCharsets.UTF_8))),
                    COLUMNS);
        }
    }

    @Command(name = "rotate", description = "A new key of this type now, and what the rotation invalidated.")
    static final class Rotate extends ClientCommand {
        @Option(names = "--type", required = true, paramLabel = "T",
                description = "token-signing (acceptance, re-enrolment and operator tokens of the old key stop working; "
                        + "admin.token is re-issued) or audit-hmac (new audit events signed with a new key; old keys still verify).")
        String type;

        @Override
        public Integer call() {
            return print(client().post("api/v1/keys/rotate", new RotateKeysRequest(type)));
        }
    }

    @Command(name = "rekey", description = "Re-seal every sealed key under a new passphrase, in one transaction; the old "
            + "passphrase stops opening this hub's database (backups taken before still need it).")
    static final class Rekey extends ClientCommand {
        @Option(names = "--passphrase-file", paramLabel = "FILE", description = "The current passphrase (default: "
                + Passphrases.ENV + ", else <data-dir>/" + Passphrases.FILE_NAME + ", else a prompt).")
        Path passphraseFile;

        @Option(names = "--new-passphrase-file", paramLabel = "FILE", description = "The new passphrase (default: "
                + NEW_PASSPHRASE_ENV + ", else a prompt, typed twice).")
        Path newPassphraseFile;

        @Override
        public Integer call() {
            char[] current = current();
            char[] next = next();
            JsonNode result;
            try {
                result = client().post("api/v1/keys/rekey", new RekeyRequest(new String(current), new String(next)));
            } finally {
                Arrays.fill(current, '\0');
                Arrays.fill(next, '\0');
            }
            print(result);
            return 0;
        }

        private char[] current() {
            if (passphraseFile != null) {
                return read(passphraseFile, "--passphrase-file");
            }
            String env = root().env.get(Passphrases.ENV);
            if (env != null && !env.isEmpty()) {
                return env.toCharArray();
            }
            Path file = root().dataDir().resolve(Passphrases.FILE_NAME);
            if (Files.isRegularFile(file)) {
                return read(file, "the data dir's passphrase file");
            }
            return prompt("Current key passphrase: ", ErrorCode.REKEY_PASSPHRASE_REJECTED, "no current passphrase: pass "
                    + "--passphrase-file FILE, set " + Passphrases.ENV + ", or run in a terminal to type it");
        }

        private char[] next() {
            if (newPassphraseFile != null) {
                return read(newPassphraseFile, "--new-passphrase-file");
            }
            String env = root().env.get(NEW_PASSPHRASE_ENV);
            if (env != null && !env.isEmpty()) {
                return env.toCharArray();
            }
            String missing = "no new passphrase: pass --new-passphrase-file FILE, set " + NEW_PASSPHRASE_ENV
                    + ", or run in a terminal to type it (never on the command line, where ps and shell history see it)";
            char[] first = prompt("New key passphrase (at least " + KeyVault.MIN_PASSPHRASE_LENGTH + " characters): ",
                    ErrorCode.REKEY_PASSPHRASE_UNUSABLE, missing);
            char[] again = prompt("New key passphrase again: ", ErrorCode.REKEY_PASSPHRASE_UNUSABLE, missing);
            boolean same = Arrays.equals(first, again);
            Arrays.fill(again, '\0');
            if (!same) {
                Arrays.fill(first, '\0');
                throw HubClient.problem(ErrorCode.REKEY_PASSPHRASE_UNUSABLE, "the two new passphrases differ; nothing was changed");
            }
            return first;
        }

        private static char[] prompt(String question, ErrorCode code, String missing) {
            Console console = System.console();
            char[] typed = console == null ? null : console.readPassword(question);
            if (typed == null || typed.length == 0) {
                throw HubClient.problem(code, missing);
            }
            return typed;
        }

        /** The file's first line, as {@code start} reads the passphrase file: trailing newlines dropped. */
        private static char[] read(Path file, String what) {
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                int end = text.length();
                while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
                    end--;
                }
                if (end == 0) {
                    throw HubClient.problem(ErrorCode.REKEY_PASSPHRASE_UNUSABLE, what + " " + file + " is empty");
                }
                return text.substring(0, end).toCharArray();
            } catch (IOException e) {
                throw HubClient.problem(ErrorCode.REKEY_PASSPHRASE_UNUSABLE, "cannot read " + what + " " + file + ": " + e);
            }
        }
    }
}
