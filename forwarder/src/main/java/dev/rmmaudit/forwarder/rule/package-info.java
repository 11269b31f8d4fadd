/** Alert rules in a Sigma subset: loading and checking rule files, matching, correlations, alerts as events. */
package dev.rmmaudit.forwarder.rule;
