package dev.entente.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM of {@code bench/run scale --peer-processes K}, seen from the parent: a slice of
 * the simulated peers ({@link ScaleBench} in its peer-process mode) driven by one command line on
 * its stdin, each answered by one JSON line on its stdout. Its stderr goes to a log file.
 *
 * <p>The peers are split because every one costs this side two open files (its connection to the
 * hub, and the hub's connection to the peer's HTTPS server), and a process here may hold 20,000.
 */
final class PeerProcess implements AutoCloseable {
    final int first;
    final int count;
    final Path log;
    private final Process process;
    private final BufferedReader in;
    private final Writer out;

    private PeerProcess(int first, int count, Path log, Process process) {
        this.first = first;
        this.count = count;
        this.log = log;
        this.process = process;
        this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.out = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts peers {@code first} to {@code first + count - 1} of {@code total} against the running hub. */
    static PeerProcess start(int first, int count, int total, Path log, List<String> hubArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of("java", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                ScaleBench.class.getName(), "--peer-process", first + "," + count + "," + total));
        command.addAll(hubArgs);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new PeerProcess(first, count, log, p);
    }

    long pid() {
        return process.pid();
    }

    /** Sends one command; its answer is read by {@link #answer()}, so that every process works at once. */
    void send(String command) throws IOException {
        out.write(command + "\n");
        out.flush();
    }

    /** The answer to the last command sent; an error the peer process reports is thrown here. */
    JsonNode answer() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("peer process " + pid() + " exited; see " + log);
        }
        JsonNode json = SimulatedPeers.JSON.readTree(line);
        if (json.has("error")) {
            throw new IllegalStateException("peer process " + pid() + ": " + json.path("error").asText() + "; see " + log);
        }
        return json;
    }

    JsonNode ask(String command) throws IOException {
        send(command);
        return answer();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            try {
                send("quit");
            } catch (IOException gone) {
                // it ended already
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
