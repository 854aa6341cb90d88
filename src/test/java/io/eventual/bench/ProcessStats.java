package io.eventual.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CPU time and resident memory of the application's processes (by name), and the machine's busy CPU, read from
 * {@code /proc} (Linux). A sampler thread keeps each process's peak RSS between {@link #mark()} and
 * {@link #since(Mark)}.
 */
final class ProcessStats implements AutoCloseable {

    /** Clock ticks per second of {@code /proc} CPU times; 100 on every Linux this runs on. */
    private static final double TICKS = 100.0;

    record Mark(long nanos, Map<String, Long> processTicks, Map<String, Long> jitTicks, Map<String, long[]> switches,
            Map<String, Long> postgresTicks, long benchmarkTicks, long machineBusy, long machineTotal) {
    }

    /**
     * One process over one interval: cores it used on average, of which its JIT compiler threads (work a native
     * executable does not do at run time), its threads' wake-ups (voluntary context switches: a thread waited and was
     * woken) and preemptions (involuntary ones) per second, and its peak RSS in MiB.
     */
    record ProcessUsage(double cores, double jitCores, double wakeUpsPerSecond, double preemptionsPerSecond, double peakRssMiB) {
    }

    /**
     * Over one interval: per process, all of them together, the cores the infrastructure used (this benchmark's JVM —
     * embedded broker and load generator — and PostgreSQL), PostgreSQL's cores by who used them (see
     * {@link #postgresGroup}), and the machine's CPU busy share.
     */
    record Usage(Map<String, ProcessUsage> processes, double processCores, Map<String, Double> infrastructureCores,
            Map<String, Double> postgresCoresBy, double machineBusyPercent, double peakRssMiB) {
    }

    private final Map<String, Long> pids;
    private final Map<String, Long> peakRssKiB = new ConcurrentHashMap<>();
    private final Thread sampler;
    private volatile boolean closed;

    ProcessStats(Map<String, Long> pids) {
        this.pids = pids;
        sampler = new Thread(() -> {
            while (!closed) {
                pids.forEach((name, pid) -> peakRssKiB.merge(name, rssKiB(pid), Math::max));
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
        Map<String, Long> ticks = new LinkedHashMap<>();
        Map<String, Long> jit = new LinkedHashMap<>();
        Map<String, long[]> switches = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            peakRssKiB.put(name, rssKiB(pid));
            ticks.put(name, processTicks(pid));
            jit.put(name, jitTicks(pid));
            switches.put(name, switches(pid));
        });
        long[] machine = machine();
        return new Mark(System.nanoTime(), ticks, jit, switches, postgresTicksBy(), processTicks(ProcessHandle.current().pid()),
                machine[0], machine[1]);
    }

    Usage since(Mark start) {
        long[] machine = machine();
        double seconds = (System.nanoTime() - start.nanos()) / 1e9;
        Map<String, ProcessUsage> processes = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            long[] switches = switches(pid);
            long[] before = start.switches().get(name);
            processes.put(name, new ProcessUsage(
                    (processTicks(pid) - start.processTicks().get(name)) / TICKS / seconds,
                    Math.max(0, jitTicks(pid) - start.jitTicks().get(name)) / TICKS / seconds,
                    Math.max(0, switches[0] - before[0]) / seconds, Math.max(0, switches[1] - before[1]) / seconds,
                    peakRssKiB.getOrDefault(name, 0L) / 1024.0));
        });
        long total = machine[1] - start.machineTotal();
        double busy = total == 0 ? 0 : 100.0 * (machine[0] - start.machineBusy()) / total;
        // A PostgreSQL process that ended meanwhile takes its time with it: no group goes below zero.
        Map<String, Double> postgres = new LinkedHashMap<>();
        postgresTicksBy().forEach((group, ticks) -> postgres.put(group,
                Math.max(0, ticks - start.postgresTicks().getOrDefault(group, 0L)) / TICKS / seconds));
        Map<String, Double> infrastructure = new LinkedHashMap<>();
        infrastructure.put("benchmark JVM (broker, load)",
                (processTicks(ProcessHandle.current().pid()) - start.benchmarkTicks()) / TICKS / seconds);
        infrastructure.put("postgres", postgres.values().stream().mapToDouble(Double::doubleValue).sum());
        return new Usage(processes, processes.values().stream().mapToDouble(ProcessUsage::cores).sum(), infrastructure, postgres,
                busy, processes.values().stream().mapToDouble(ProcessUsage::peakRssMiB).sum());
    }

    /** Peak RSS over the processes' whole lives (VmHWM), added up, MiB. */
    double lifetimePeakRssMiB() {
        return pids.values().stream().mapToLong(pid -> field(pid, "VmHWM:")).sum() / 1024.0;
    }

    private static long rssKiB(long pid) {
        return field(pid, "VmRSS:");
    }

    private static long field(long pid, String name) {
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

    /** Every PostgreSQL process's CPU ticks, added up by {@link #postgresGroup}. */
    private static Map<String, Long> postgresTicksBy() {
        Map<String, Long> ticks = new TreeMap<>();
        try (var all = Files.list(Path.of("/proc"))) {
            for (Path process : all.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    if (Files.readString(process.resolve("comm")).trim().equals("postgres")) {
                        String title = new String(Files.readAllBytes(process.resolve("cmdline"))).replace('\0', ' ').trim();
                        ticks.merge(postgresGroup(title), ticks(process.resolve("stat")), Long::sum);
                    }
                } catch (IOException | RuntimeException gone) {
                    // ended while listed
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return ticks;
    }

    /**
     * Who a PostgreSQL process works for, from the title it shows ({@code postgres: <role> <database> <host(port)>
     * <activity>} for a connection): a connection by its role (each function logs in as its own), autovacuum, the
     * other background processes (WAL writer, checkpointer, background writer), or the postmaster.
     */
    private static String postgresGroup(String title) {
        if (!title.startsWith("postgres: ")) {
            return "postmaster";
        }
        String[] words = title.substring("postgres: ".length()).trim().split("\\s+");
        if (words.length >= 3 && (words[2].endsWith(")") || words[2].equals("[local]"))) {
            return "connections of " + words[0];
        }
        return words[0].equals("autovacuum") ? "autovacuum" : "background";
    }

    private static long processTicks(long pid) {
        return ticks(Path.of("/proc/" + pid + "/stat"));
    }

    /**
     * CPU of the process's JIT compiler threads ({@code C1/C2 CompilerThreadN}) alive now; one that ended meanwhile
     * takes its time with it, so this is a lower bound.
     */
    private static long jitTicks(long pid) {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                String name = Files.readString(task.resolve("comm")).trim();
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    ticks += ticks(task.resolve("stat"));
                }
            }
        } catch (IOException | RuntimeException e) {
            // process or thread gone: no figure
        }
        return ticks;
    }

    /**
     * {voluntary, involuntary} context switches of the process's threads alive now (a thread that ended meanwhile takes
     * its count with it, so these are lower bounds).
     */
    private static long[] switches(long pid) {
        long[] switches = new long[2];
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                for (String line : Files.readAllLines(task.resolve("status"))) {
                    if (line.startsWith("voluntary_ctxt_switches:")) {
                        switches[0] += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                        switches[1] += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // process or thread gone: no figure
        }
        return switches;
    }

    private static long ticks(Path stat) {
        try {
            String line = Files.readString(stat);
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
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
