/** The normalised security event that every source produces and every encoder and sink consumes. */
package dev.rmmaudit.forwarder.event;
