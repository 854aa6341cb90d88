package io.eventual.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time and resident memory of one process, and the machine's busy CPU, read from {@code /proc} (Linux). A
 * sampler thread keeps the peak RSS between {@link #mark()} and {@link #since(Mark)}.
 */
final class ProcessStats implements AutoCloseable {

    /** Clock ticks per second of {@code /proc} CPU times; 100 on every Linux this runs on. */
    private static final double TICKS = 100.0;

    record Mark(long nanos, long processTicks, long machineBusy, long machineTotal) {
    }

    /** Over one interval: cores the process used on average, machine CPU busy share, peak RSS in MiB. */
    record Usage(double processCores, double machineBusyPercent, double peakRssMiB) {
    }

    private final long pid;
    private final Thread sampler;
    private volatile long peakRssKiB;
    private volatile boolean closed;

    ProcessStats(long pid) {
        this.pid = pid;
        sampler = new Thread(() -> {
            while (!closed) {
                peakRssKiB = Math.max(peakRssKiB, rssKiB());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    Mark mark() {
        peakRssKiB = rssKiB();
        long[] machine = machine();
        return new Mark(System.nanoTime(), processTicks(), machine[0], machine[1]);
    }

    Usage since(Mark start) {
        long[] machine = machine();
        double seconds = (System.nanoTime() - start.nanos()) / 1e9;
        double cores = (processTicks() - start.processTicks()) / TICKS / seconds;
        long total = machine[1] - start.machineTotal();
        double busy = total == 0 ? 0 : 100.0 * (machine[0] - start.machineBusy()) / total;
        return new Usage(cores, busy, peakRssKiB / 1024.0);
    }

    /** Peak RSS over the process's whole life (VmHWM), MiB. */
    double lifetimePeakRssMiB() {
        return field("VmHWM:") / 1024.0;
    }

    private long rssKiB() {
        return field("VmRSS:");
    }

    private long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // process gone or not Linux: no figure
        }
        return 0;
    }

    private long processTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** {busy, total} jiffies of all CPUs. */
    private static long[] machine() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            String[] f = lines.get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] { total - idle, total };
        } catch (IOException | RuntimeException e) {
            return new long[] { 0, 0 };
        }
    }

    @Override
    public void close() {
        closed = true;
        sampler.interrupt();
    }
}
