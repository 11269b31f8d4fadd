package dev.rmmaudit.forwarder.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A SQL script of statements ending in {@code ;} at the end of a line, optionally cut into captioned steps
 * by {@code -- @step caption} lines. Other {@code --} lines are comments.
 */
public record SqlScript(List<Step> steps) {

    /** A caption and the statements that belong to it. */
    public record Step(String caption, List<String> statements) {
    }

    public static SqlScript parse(String text) {
        List<Step> steps = new ArrayList<>();
        String caption = "";
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\r?\n")) {
            String t = line.trim();
            if (t.startsWith("-- @step")) {
                if (!statements.isEmpty()) {
                    steps.add(new Step(caption, List.copyOf(statements)));
                    statements.clear();
                }
                caption = t.substring("-- @step".length()).trim();
            } else if (t.startsWith("--") || t.isEmpty()) {
                continue;
            } else {
                current.append(line).append('\n');
                if (t.endsWith(";")) {
                    String s = current.toString().trim();
                    statements.add(s.substring(0, s.length() - 1));
                    current.setLength(0);
                }
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().trim());
        }
        if (!statements.isEmpty()) {
            steps.add(new Step(caption, List.copyOf(statements)));
        }
        return new SqlScript(List.copyOf(steps));
    }

    /** Reads a script shipped in the jar, such as {@code samples/automate/schema.sql}. */
    public static SqlScript resource(String name) {
        try (InputStream in = SqlScript.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs every statement of every step, in order. */
    public void run(Connection c) throws SQLException {
        for (Step s : steps) {
            run(c, s);
        }
    }

    public static void run(Connection c, Step step) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : step.statements()) {
                st.execute(sql);
            }
        }
    }
}
