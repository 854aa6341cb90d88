package io.eventual.trigger.admin;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;

/**
 * Marks what only the admin may use: the admin API and the console. The guard ({@link AdminAuthentication}) is bound
 * to the resource method itself, not to a path, so every path that reaches the method (a trailing slash, doubled
 * slashes, encoded characters) is guarded alike.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface AdminOnly {
}
