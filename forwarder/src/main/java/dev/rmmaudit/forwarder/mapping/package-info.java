/** Where a row becomes a security event: declarative table mappings, their loader and the user directory. */
package dev.rmmaudit.forwarder.mapping;
