package io.eventual.event.order;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Objects;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/** The order's {@code total} equals the sum of quantity × unit price over its items. */
@Documented
@Constraint(validatedBy = TotalMatchesItems.Validator.class)
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface TotalMatchesItems {
    String message() default "must equal the sum of quantity × unitPrice over items";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<TotalMatchesItems, OrderPlaced> {
        @Override
        public boolean isValid(OrderPlaced order, ConstraintValidatorContext context) {
            // Field-level constraints report missing parts; this one judges only a complete order.
            if (order.total() == null || order.items() == null
                    || order.items().stream().anyMatch(i -> i == null || i.quantity() == null || i.unitPrice() == null)) {
                return true;
            }
            if (Objects.equals(0, OrderPlaced.totalOf(order.items()).compareTo(order.total()))) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
                    .addPropertyNode("total").addConstraintViolation();
            return false;
        }
    }
}
