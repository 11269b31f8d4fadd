package dev.rmmaudit.forwarder.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The hardening review's inventory: every user with their rights, sent at the first start and then every
 * {@code interval} (0: never).
 *
 * @param approvedSuperAdmins the Automate users who may be SuperAdmin; a SuperAdmin not named is a finding (with
 *     no list, none is)
 * @param approvedScreenConnectAdmins likewise for ScreenConnect administrators
 */
public record InventoryConfig(Duration interval, Set<String> approvedSuperAdmins,
        Set<String> approvedScreenConnectAdmins) {

    public static final InventoryConfig DEFAULT = new InventoryConfig(Duration.ofDays(1), Set.of(), Set.of());
    /** No inventory (the demo's and the tests' configurations, built in code). */
    public static final InventoryConfig OFF = new InventoryConfig(Duration.ZERO, Set.of(), Set.of());

    public boolean enabled() {
        return !interval.isZero();
    }

    static InventoryConfig read(ConfigNode n) {
        if (!n.isPresent()) {
            return DEFAULT;
        }
        Duration interval = Durations.read(n.child("interval"), DEFAULT.interval());
        if (interval.isNegative()) {
            n.child("interval").problem("must be 0 (off) or longer");
        }
        InventoryConfig c = new InventoryConfig(interval, names(n.stringList("approvedSuperAdmins")),
                names(n.stringList("approvedScreenConnectAdmins")));
        n.rejectUnknownKeys();
        return c;
    }

    private static Set<String> names(List<String> list) {
        Set<String> s = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        s.addAll(list);
        return java.util.Collections.unmodifiableSet(s);
    }
}
