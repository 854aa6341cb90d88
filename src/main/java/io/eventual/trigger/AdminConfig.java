package io.eventual.trigger;

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
}
