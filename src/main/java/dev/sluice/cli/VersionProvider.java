package dev.sluice.cli;

import picocli.CommandLine.IVersionProvider;

/** The version written into the jar's manifest at build time. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {"sluice " + (version == null ? "development build" : version),
                "Java " + System.getProperty("java.version")};
    }
}
