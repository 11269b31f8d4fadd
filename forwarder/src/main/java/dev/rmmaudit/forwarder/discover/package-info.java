/** {@code forwarder discover}: the tables of a real server that look like logins, audit or security, and mapping skeletons for them. */
package dev.rmmaudit.forwarder.discover;
