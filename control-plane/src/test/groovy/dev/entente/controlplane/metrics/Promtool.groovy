package dev.entente.controlplane.metrics

import java.nio.file.Files
import java.nio.file.Path

/**
 * Runs Prometheus' own {@code promtool}. CI installs it (the Debian package {@code prometheus});
 * when it is missing the spec fails and says so, rather than skipping the check unnoticed.
 */
class Promtool {
    static final String MISSING = 'promtool not found on PATH: install the Debian package prometheus ' +
            '(apt-get install -y prometheus), as .ci/run does'

    /** The outcome of one run: exit code and combined output. */
    static class Result {
        int code
        String output
    }

    static String path() {
        String found = System.getenv('PATH').split(File.pathSeparator).collect { Path.of(it, 'promtool') }
                .find { Files.isExecutable(it) }?.toString()
        assert found != null: MISSING
        found
    }

    /** {@code promtool args...}, with {@code input} on its standard input when given. */
    static Result run(String input, String... args) {
        def process = new ProcessBuilder([path()] + args.toList()).redirectErrorStream(true).start()
        def output = new StringBuilder()
        def reader = Thread.start { output << process.inputStream.getText('UTF-8') }
        process.outputStream.withCloseable { out ->
            if (input != null) {
                out.write(input.getBytes('UTF-8'))
            }
        }
        process.waitFor()
        reader.join()
        new Result(code: process.exitValue(), output: output.toString())
    }
}
