package io.eventual.event;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;

/**
 * Reads a decimal (money, prices) from a JSON number or from a string holding a plain decimal such as {@code "12.50"}:
 * strings keep every digit where a JSON parser elsewhere might turn a number into a double. Exponents, blanks and
 * signs such as {@code "+1"} or {@code "1e3"} in a string are refused, as the published JSON Schema says.
 */
final class Decimals extends StdScalarDeserializer<BigDecimal> {

    /** The string form, also stated as the {@code pattern} of every decimal in the JSON Schemas. */
    static final Pattern PLAIN = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

    Decimals() {
        super(BigDecimal.class);
    }

    @Override
    public BigDecimal deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (parser.hasToken(JsonToken.VALUE_NUMBER_INT) || parser.hasToken(JsonToken.VALUE_NUMBER_FLOAT)) {
            return parser.getDecimalValue();
        }
        if (parser.hasToken(JsonToken.VALUE_STRING)) {
            String text = parser.getText();
            if (PLAIN.matcher(text).matches()) {
                return new BigDecimal(text);
            }
            return (BigDecimal) context.handleWeirdStringValue(BigDecimal.class, text, "not a plain decimal");
        }
        return (BigDecimal) context.handleUnexpectedToken(BigDecimal.class, parser);
    }
}
