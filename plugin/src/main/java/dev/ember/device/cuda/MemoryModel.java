package dev.ember.device.cuda;

/**
 * How a CUDA device's memory relates to the host's, read from the driver's device attributes; it decides
 * whether Ember prefetches managed memory and how it sizes its managed-memory pool.
 *
 * <ul>
 *   <li>{@link #COHERENT_UNIFIED}: the GPU reads pageable host memory through the host's page tables and
 *       accesses managed memory concurrently with the CPU ({@code PAGEABLE_MEMORY_ACCESS_USES_HOST_PAGE_TABLES}
 *       and {@code CONCURRENT_MANAGED_ACCESS}): GB10 (DGX Spark) and Grace Hopper. CPU and GPU share one
 *       coherent memory, managed pages do not migrate, so prefetching only costs driver calls; the pool
 *       comes out of the memory the CPU side (JVM heaps, Spark, the OS) needs too, so a share is left to it.
 *   <li>{@link #INTEGRATED}: an integrated GPU without host page table access (Jetson-class): one physical
 *       memory, no migration, no prefetch; sized like a coherent device.
 *   <li>{@link #DISCRETE}: a card with its own memory. With concurrent managed access (every Linux
 *       system since Pascal) pages migrate on demand and prefetching to the device before kernels and to
 *       the host before host reads saves the page faults; without it the driver moves managed memory at
 *       launch and refuses prefetches, so none are made.
 * </ul>
 */
public enum MemoryModel {
    COHERENT_UNIFIED("coherent unified memory shared with the CPU (the GPU uses the host's page tables); no prefetches"),
    INTEGRATED("integrated GPU sharing the host's memory; no prefetches"),
    DISCRETE("discrete GPU memory; managed memory is prefetched to the GPU before kernels and back before host reads");

    private final String description;

    MemoryModel(String description) {
        this.description = description;
    }

    /**
     * The model of a device with these attribute values.
     *
     * @param integrated {@code CU_DEVICE_ATTRIBUTE_INTEGRATED}
     * @param hostPageTables {@code CU_DEVICE_ATTRIBUTE_PAGEABLE_MEMORY_ACCESS_USES_HOST_PAGE_TABLES}
     * @param concurrentManagedAccess {@code CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS}
     */
    public static MemoryModel of(boolean integrated, boolean hostPageTables, boolean concurrentManagedAccess) {
        if (hostPageTables && concurrentManagedAccess) {
            return COHERENT_UNIFIED;
        }
        return integrated ? INTEGRATED : DISCRETE;
    }

    /** Whether the CPU and the GPU use one physical memory, so the CPU's share must be left out of the pool. */
    public boolean sharesHostMemory() {
        return this != DISCRETE;
    }

    /** What the model means for Ember, for logs and {@code ember doctor}. */
    public String description() {
        return description;
    }

    /**
     * The most bytes Ember's managed-memory pool may hold: {@code allocFraction} of the memory free now on a
     * discrete GPU; on a device that shares the host's memory, {@code allocFraction} of the free memory
     * but never more than the part of the total the CPU's share leaves, {@code total * (1 - cpuShare)}.
     *
     * @param freeBytes free memory as {@code cuMemGetInfo} reports it
     * @param totalBytes total memory as {@code cuMemGetInfo} reports it
     * @param allocFraction {@code spark.ember.memory.gpu.allocFraction}, in (0, 1]
     * @param cpuShare {@code spark.ember.memory.unified.cpuShare}, in [0, 1)
     * @return at least 1
     */
    public long poolCapBytes(long freeBytes, long totalBytes, double allocFraction, double cpuShare) {
        if (!(allocFraction > 0 && allocFraction <= 1)) {
            throw new IllegalArgumentException("allocFraction must be in (0, 1], not " + allocFraction);
        }
        if (!(cpuShare >= 0 && cpuShare < 1)) {
            throw new IllegalArgumentException("cpuShare must be in [0, 1), not " + cpuShare);
        }
        double usable = freeBytes;
        if (sharesHostMemory()) {
            usable = Math.min(usable, totalBytes * (1 - cpuShare));
        }
        return Math.max(1, (long) Math.floor(usable * allocFraction));
    }
}
