package io.eventual.trigger.admin;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Credentials of the admin API. With neither a password nor a token configured, the admin API is disabled. */
@ConfigMapping(prefix = "eventual.admin")
public interface AdminConfig {

    @WithDefault("admin")
    String username();

    /** Password for HTTP basic authentication. */
    Optional<String> password();

    /** Token for {@code Authorization: Bearer <token>}. */
    Optional<String> token();

    /**
     * Origins (scheme://host[:port]) besides this server's own from which browsers may send admin writes and other
     * credentialed writes, e.g. where the console is served under another name; every other site is refused.
     */
    Optional<List<String>> allowedOrigins();

    /**
     * Most messages a second that one background job sends (a failure group's redrive or discard, a replay); a
     * request may ask for less.
     */
    @WithDefault("100")
    int bulkRate();
}
