package io.eventual.event;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * An id (order, customer, SKU): 1 to 64 letters, digits and {@code . _ : @ / -}. Ids travel in URLs, logs and
 * broker properties; anything else is refused at the edge rather than carried through the system.
 */
@Documented
@NotNull
@Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._:@/-]{0,63}")
@ReportAsSingleViolation
@Constraint(validatedBy = {})
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface Identifier {
    String message() default "must be 1 to 64 letters, digits or . _ : @ / - (starting with a letter or digit)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
