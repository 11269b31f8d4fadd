package dev.rmmaudit.forwarder.demo;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes IIS logs (W3C extended) as IIS does, for tests and trials: {@code DIR N [pauseMs]} appends N refused
 * Automate REST logins, each from its own client address (10.x.y.z from its number), to {@code u_ex261205.log};
 * after a third of them IIS "restarts" and writes a new {@code #Fields:} line with one more column, and after two
 * thirds the day rolls over to {@code u_ex261206.log}. Lines end in CRLF; each is flushed as it is written.
 */
public final class WebLogSample {
    static final String FIELDS = "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip"
            + " cs(User-Agent) sc-status";

    private WebLogSample() {
    }

    /** The client address of line {@code i}. */
    public static String address(int i) {
        return "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path dir = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        long pause = args.length > 2 ? Long.parseLong(args[2]) : 0;
        Files.createDirectories(dir);
        Writer w = open(dir.resolve("u_ex261205.log"), FIELDS);
        boolean extra = false;
        String day = "2026-12-05";
        for (int i = 0; i < n; i++) {
            if (i == n / 3) {
                w.write("#Software: Microsoft Internet Information Services 10.0\r\n" + FIELDS + " time-taken\r\n");
                extra = true;
            }
            if (i == 2 * n / 3) {
                w.close();
                w = open(dir.resolve("u_ex261206.log"), FIELDS + " time-taken");
                day = "2026-12-06";
            }
            w.write(day + " 10:00:00 10.0.0.1 POST /cwa/api/v1/apitoken - 443 - " + address(i)
                    + " Mozilla/5.0+(Windows+NT+10.0) 401" + (extra ? " 12" : "") + "\r\n");
            w.flush();
            if (pause > 0) {
                Thread.sleep(pause);
            }
        }
        w.close();
    }

    private static Writer open(Path file, String fields) throws IOException {
        Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        w.write("#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: 2026-12-05"
                + " 00:00:00\r\n" + fields + "\r\n");
        w.flush();
        return w;
    }
}
