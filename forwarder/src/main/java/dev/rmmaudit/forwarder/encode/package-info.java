/** Encoders turn a security event into the text a SIEM reads: ArcSight CEF, or JSON in ECS field names. */
package dev.rmmaudit.forwarder.encode;
