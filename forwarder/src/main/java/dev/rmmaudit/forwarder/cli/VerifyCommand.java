package dev.rmmaudit.forwarder.cli;

import dev.rmmaudit.forwarder.chain.ChainKey;
import dev.rmmaudit.forwarder.verify.Report;
import dev.rmmaudit.forwarder.verify.ReportText;
import dev.rmmaudit.forwarder.verify.Verifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forwarder verify}: checks a SIEM's export of events against the install's chain key. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check events exported from a SIEM (ECS JSON lines, Elasticsearch/OpenSearch hits, Splunk"
                + " JSON results, Sentinel rows; in any order) against the chain key: reports missing sequence"
                + " ranges, altered, forged and reordered events, restarts and duplicates. Reads the files only.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:nothing missing, altered, forged or unverifiable", "2:a file cannot be read",
            "4:something is missing, altered, forged, reordered or unverifiable"},
        footerHeading = "%nExamples:%n",
        footer = {"  forwarder key export --config forwarder.yml > chain.key",
            "  forwarder verify --key chain.key --events export.jsonl",
            "  forwarder verify --key chain.key --events splunk.json --events elastic.json --json"})
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--key", required = true, paramLabel = "FILE",
            description = "a chain key as `forwarder key export` writes it; repeat for events of several installs")
    List<Path> keys;

    @Option(names = "--events", required = true, paramLabel = "FILE",
            description = "the exported events (- for standard input); repeat to check several files as one")
    List<Path> events;

    @Option(names = "--json", description = "print the findings as JSON")
    boolean json;

    @Override
    public Integer call() {
        List<ChainKey> loaded = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try {
            for (Path k : keys) {
                loaded.add(ChainKey.read(k));
            }
            for (Path f : events) {
                text.append(f.toString().equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                        : Files.readString(f, StandardCharsets.UTF_8)).append('\n');
            }
        } catch (IOException e) {
            System.err.println("cannot read " + e.getMessage());
            return ExitCodes.INVALID;
        }
        Report r = new Verifier(loaded).verify(text.toString());
        System.out.print(json ? ReportText.json(r) : ReportText.text(r));
        return r.ok() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }
}
