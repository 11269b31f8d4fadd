/** Watching the watcher: the forwarder's own heartbeat, so a SIEM can tell a quiet day from a dead forwarder. */
package dev.rmmaudit.forwarder.health;
