/** Wires a source, the mapping and the sinks together, and commits only what every sink delivered. */
package dev.rmmaudit.forwarder.pipeline;
