package dev.rmmaudit.forwarder.mapping;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The current Automate users and user classes, loaded at start and kept current from the change stream,
 * so that events carry class names and the effective SuperAdmin flag.
 *
 * <p>A user is SuperAdmin when any of the classes in their class list has a bit of {@code superAdminMask}
 * set (the hardening guide's {@code BIT_OR(userclasses.Permissions) & 1}).
 */
public final class AutomateDirectory {
    /** A user as the directory knows it. */
    public record User(String id, String name, String email, List<String> classIds) {
    }

    /** A user class as the directory knows it. */
    public record UserClass(String id, String name, long permissions) {
    }

    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, UserClass> classes = new ConcurrentHashMap<>();
    private volatile long superAdminMask = 1;

    public void superAdminMask(long mask) {
        superAdminMask = mask;
    }

    public void putUser(User u) {
        users.put(u.id(), u);
    }

    public void removeUser(String id) {
        users.remove(id);
    }

    public void putClass(UserClass c) {
        classes.put(c.id(), c);
    }

    public void removeClass(String id) {
        classes.remove(id);
    }

    public User user(String id) {
        return id == null ? null : users.get(id);
    }

    public UserClass userClass(String id) {
        return id == null ? null : classes.get(id);
    }

    public int userCount() {
        return users.size();
    }

    public int classCount() {
        return classes.size();
    }

    /** True when any class in {@code classIds} is a SuperAdmin class. */
    public boolean isSuperAdmin(Collection<String> classIds) {
        return isSuperAdmin(classIds, null, 0);
    }

    /**
     * True when any class in {@code classIds} is a SuperAdmin class, taking {@code overridePermissions} as the
     * permissions of class {@code overrideClassId} (to ask "what if that class had these bits").
     */
    public boolean isSuperAdmin(Collection<String> classIds, String overrideClassId, long overridePermissions) {
        for (String id : classIds) {
            long perms;
            if (id.equals(overrideClassId)) {
                perms = overridePermissions;
            } else {
                UserClass c = classes.get(id);
                if (c == null) {
                    continue;
                }
                perms = c.permissions();
            }
            if ((perms & superAdminMask) != 0) {
                return true;
            }
        }
        return false;
    }

    /** The names of the classes with these ids; an unknown id reads {@code class <id>}. */
    public List<String> classNames(Collection<String> classIds) {
        List<String> out = new ArrayList<>();
        for (String id : classIds) {
            out.add(className(id));
        }
        return out;
    }

    public String className(String id) {
        UserClass c = classes.get(id);
        return c == null || c.name() == null ? "class " + id : c.name();
    }

    /** The users whose class list holds {@code classId}, in id order. */
    public List<User> membersOf(String classId) {
        return users.values().stream()
                .filter(u -> u.classIds().contains(classId))
                .sorted(java.util.Comparator.comparing(User::id, AutomateDirectory::compareIds))
                .toList();
    }

    /** The SuperAdmin classes among {@code classIds}, by name. */
    public List<String> superAdminClassNames(Collection<String> classIds) {
        List<String> out = new ArrayList<>();
        for (String id : classIds) {
            UserClass c = classes.get(id);
            if (c != null && (c.permissions() & superAdminMask) != 0) {
                out.add(className(id));
            }
        }
        return out;
    }

    /** Orders numeric ids numerically, others as text. */
    static int compareIds(String a, String b) {
        if (a.length() != b.length() && a.chars().allMatch(Character::isDigit) && b.chars().allMatch(
                Character::isDigit)) {
            return Integer.compare(a.length(), b.length());
        }
        return Objects.compare(a, b, String::compareTo);
    }
}
