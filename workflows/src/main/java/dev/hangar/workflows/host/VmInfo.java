package dev.hangar.workflows.host;

/**
 * A VM that is up.
 *
 * @param vmName its name
 * @param hostId the host it runs on
 * @param address its network address, if the driver knows one
 */
public record VmInfo(String vmName, String hostId, String address) {}
