package io.eventual.messaging;

import java.util.Optional;

import io.eventual.event.EventCodec;

/**
 * What PostgreSQL can keep as text. A text value cannot hold the NUL character, and an indexed one must stay short
 * (a B-tree entry is at most a third of a page). Whatever arrives from outside goes through here before it is written
 * to a text column, so that writing it cannot fail.
 */
public final class Storable {

    /** The longest text kept in a column that is indexed or listed: ids, types, subjects. */
    public static final int SHORT = 256;
    /** The longest reason kept with a dead letter. */
    public static final int LONG = 4000;

    private Storable() {
    }

    /**
     * {@code value} as text PostgreSQL keeps: each NUL written as the six characters {@code \u0000}, and cut to
     * {@code max} characters (never inside a surrogate pair) with a note of what was cut; null stays null.
     */
    public static String text(String value, int max) {
        if (value == null) {
            return null;
        }
        String kept = value.indexOf('\0') < 0 ? value : value.replace("\0", "\\u0000");
        if (kept.length() <= max) {
            return kept;
        }
        int end = Character.isHighSurrogate(kept.charAt(max - 1)) ? max - 1 : max;
        return kept.substring(0, end) + "…(" + (kept.length() - end) + " more characters)";
    }

    /** The bytes as text if they are well-formed UTF-8 without NUL, which a text column keeps byte for byte. */
    public static Optional<String> utf8(byte[] bytes) {
        return EventCodec.utf8(bytes).filter(text -> text.indexOf('\0') < 0);
    }
}
