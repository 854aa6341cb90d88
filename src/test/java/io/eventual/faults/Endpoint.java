package io.eventual.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The database's address as clients know it — a Kubernetes Service, a virtual IP, a managed database's DNS name — which
 * failover moves from the old primary to the promoted standby; or the network between a primary and its standby. A
 * TCP forwarder on loopback: moving it ends the connections to the old server, as the old server's death does.
 */
final class Endpoint implements AutoCloseable {

    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile int target;
    private volatile boolean cut;

    Endpoint(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(this::accept, "endpoint-" + server.getLocalPort());
        accepting.setDaemon(true);
        accepting.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** From now on to {@code port}; connections to the old target end. */
    void moveTo(int port) {
        target = port;
        open.forEach(this::close);
    }

    /** A network partition, or its end: while cut, what is sent either way is lost on the way. */
    void cut(boolean cut) {
        this.cut = cut;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                try {
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    open.add(client);
                    open.add(upstream);
                    pipe(client, upstream);
                    pipe(upstream, client);
                } catch (IOException refused) {
                    close(client);
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread pipe = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0;) {
                    if (!cut) {
                        out.write(buffer, 0, n);
                    }
                }
            } catch (IOException ended) {
                // either side went away: both end below
            } finally {
                close(from);
                close(to);
            }
        });
        pipe.setDaemon(true);
        pipe.start();
    }

    private void close(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        open.forEach(this::close);
    }
}
