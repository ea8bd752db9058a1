package dev.sluice.run;

import dev.sluice.notify.Notice;
import dev.sluice.notify.Notifier;

/** One notification of an ended run, ready to be delivered: the run, the entry it goes through, and what it says. */
public record Outgoing(String activation, String run, Notifier notifier, Notice notice) {}
