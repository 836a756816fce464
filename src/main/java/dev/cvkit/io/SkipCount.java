package dev.cvkit.io;

/** Counts the special files (FIFOs, devices, sockets) a walk passed over; wrappers of a walker pass it on. */
public interface SkipCount {
    long skippedSpecial();
}
