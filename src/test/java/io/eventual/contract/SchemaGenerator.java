package io.eventual.contract;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Currency;
import java.util.Locale;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.FieldScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jakarta.validation.JakartaValidationModule;
import com.github.victools.jsonschema.module.jakarta.validation.JakartaValidationOption;

import io.eventual.event.CountryCode;
import io.eventual.event.CurrencyCode;
import io.eventual.event.EventType;
import io.eventual.event.Identifier;
import io.eventual.event.order.TotalMatchesItems;

/**
 * The JSON Schema (2020-12) of a catalogued type's current {@code data}, generated from its record and the constraints
 * the app enforces on it (Bean Validation annotations, the id alphabet, ISO codes, the decimal forms eventual reads).
 * The committed snapshots under {@code src/main/resources/contract/schemas} are what eventual serves; ContractTest keeps
 * the current version's snapshot equal to what this generates.
 */
final class SchemaGenerator {

    static final String ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,63}$";
    static final String DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

    private final com.github.victools.jsonschema.generator.SchemaGenerator generator;

    SchemaGenerator() {
        SchemaGeneratorConfigBuilder builder = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12,
                OptionPreset.PLAIN_JSON)
                .with(new JakartaValidationModule(JakartaValidationOption.NOT_NULLABLE_FIELD_IS_REQUIRED))
                .with(Option.NULLABLE_FIELDS_BY_DEFAULT, Option.INLINE_ALL_SCHEMAS);
        builder.forTypesInGeneral().withCustomDefinitionProvider((type, context) -> {
            ObjectNode node = context.getGeneratorConfig().createObjectNode();
            if (type.getErasedType() == BigDecimal.class) {
                node.putArray("type").add("number").add("string");
                return new CustomDefinition(node, CustomDefinition.DefinitionType.INLINE, CustomDefinition.AttributeInclusion.YES);
            }
            if (type.getErasedType() == LocalDate.class) {
                node.put("type", "string").put("format", "date").put("pattern", DATE_PATTERN);
                return new CustomDefinition(node, CustomDefinition.DefinitionType.INLINE, CustomDefinition.AttributeInclusion.YES);
            }
            return null;
        });
        builder.forFields()
                .withRequiredCheck(field -> annotated(field, Identifier.class) || field.getType().getErasedType().isPrimitive())
                .withStringPatternResolver(field -> {
                    if (annotated(field, Identifier.class)) {
                        return ID_PATTERN;
                    }
                    return annotated(field, NotBlank.class) ? "\\S" : null;
                })
                .withEnumResolver(field -> {
                    if (annotated(field, CurrencyCode.class)) {
                        return Currency.getAvailableCurrencies().stream().map(Currency::getCurrencyCode).sorted().toList();
                    }
                    if (annotated(field, CountryCode.class)) {
                        return Locale.getISOCountries(Locale.IsoCountryCode.PART1_ALPHA2).stream().sorted().toList();
                    }
                    return null;
                })
                .withInstanceAttributeOverride((node, field, context) -> {
                    if (field.getType().getErasedType() == BigDecimal.class) {
                        node.put("pattern", decimalPattern(field));
                    }
                    if (field.getName().equals("total") && field.getDeclaringType().getErasedType()
                            .isAnnotationPresent(TotalMatchesItems.class)) {
                        node.put("description", "must equal the sum of quantity × unitPrice over items "
                                + "(eventual checks it; JSON Schema cannot state it)");
                    }
                });
        generator = new com.github.victools.jsonschema.generator.SchemaGenerator(builder.build());
    }

    ObjectNode current(EventType type) {
        ObjectNode schema = generator.generateSchema(type.dataClass());
        ObjectNode ordered = schema.objectNode();
        ordered.put("$schema", schema.path("$schema").asText());
        ordered.put("$id", Contract.schemaId(type, type.schemaVersion()));
        ordered.put("title", type.typeName() + " data, version " + type.schemaVersion());
        ordered.put("description", type.summary());
        schema.remove("$schema");
        ordered.setAll(schema);
        return ordered;
    }

    /**
     * The string form of a decimal (a plain decimal, as eventual reads it), narrowed by the field's sign and upper
     * bound so that strings are judged as numbers are.
     */
    private static String decimalPattern(FieldScope field) {
        String digits = "[0-9]+";
        DecimalMax max = field.getAnnotationConsideringFieldAndGetter(DecimalMax.class);
        if (max != null && new BigDecimal(max.value()).compareTo(BigDecimal.TEN.pow(max.value().length() - 1)) == 0) {
            // a power of ten: fewer digits, or that power itself
            digits = "0*([0-9]{1," + (max.value().length() - 1) + "}|" + max.value() + "(?=(\\.0+)?$))";
        }
        if (annotated(field, Positive.class)) {
            return "^(?=.*[1-9])" + digits + "(\\.[0-9]+)?$";
        }
        if (annotated(field, PositiveOrZero.class)) {
            return "^" + digits + "(\\.[0-9]+)?$";
        }
        return "^-?" + digits + "(\\.[0-9]+)?$";
    }

    private static boolean annotated(FieldScope field, Class<? extends java.lang.annotation.Annotation> annotation) {
        return field.getAnnotationConsideringFieldAndGetter(annotation) != null;
    }
}
