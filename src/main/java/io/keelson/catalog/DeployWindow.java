package io.keelson.catalog;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One deploy window of a target's policy, {@code DAYS HH:MM-HH:MM ZONE}: the days a window opens
 * ({@code Mon}, a range {@code Mon-Fri} that may wrap as {@code Fri-Mon}, several joined by commas),
 * the time it opens (included) and closes (excluded) on each, and the IANA time zone both are in.
 * An end before the start crosses midnight: the window opens on a listed day and closes the next
 * morning. Read with {@code java.time}, so daylight saving time is the zone database's.
 */
public record DeployWindow(Set<DayOfWeek> days, LocalTime opens, LocalTime closes, ZoneId zone) {

    private static final List<String> DAY_NAMES = java.util.Arrays.stream(DayOfWeek.values())
            .map(d -> d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH))
            .toList();

    public DeployWindow {
        days = Set.copyOf(days);
    }

    /** Reads a window; an {@link IllegalArgumentException} says what is wrong with it. */
    public static DeployWindow parse(String text) {
        String[] parts = text == null ? new String[0] : text.strip().split("\\s+");
        if (parts.length != 3) {
            throw new IllegalArgumentException(
                    "must be 'DAYS HH:MM-HH:MM ZONE', as in 'Mon-Fri 08:00-18:00 Europe/Berlin'");
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String item : parts[0].split(",", -1)) {
            String[] range = item.split("-", -1);
            if (range.length > 2) {
                throw new IllegalArgumentException("'" + item + "' is not a day or a range of days (Mon-Fri)");
            }
            DayOfWeek first = day(range[0]);
            DayOfWeek last = range.length == 2 ? day(range[1]) : first;
            for (DayOfWeek d = first; ; d = d.plus(1)) {
                days.add(d);
                if (d == last) {
                    break;
                }
            }
        }
        String[] times = parts[1].split("-", -1);
        if (times.length != 2) {
            throw new IllegalArgumentException("'" + parts[1] + "' is not a time range HH:MM-HH:MM");
        }
        LocalTime opens = time(times[0]);
        LocalTime closes = time(times[1]);
        if (opens.equals(closes)) {
            throw new IllegalArgumentException("opens and closes at the same time " + times[0]);
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(parts[2]);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException(
                    "'" + parts[2] + "' is not a time zone (an IANA id such as Europe/Berlin)");
        }
        return new DeployWindow(days, opens, closes, zone);
    }

    /** Whether {@code now} is inside the window. */
    public boolean contains(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        LocalTime time = local.toLocalTime();
        DayOfWeek day = local.getDayOfWeek();
        if (opens.isBefore(closes)) {
            return days.contains(day) && !time.isBefore(opens) && time.isBefore(closes);
        }
        return (days.contains(day) && !time.isBefore(opens)) || (days.contains(day.minus(1)) && time.isBefore(closes));
    }

    /** {@code now} when the window is open, else the next time it opens (within the coming eight days). */
    public Optional<Instant> nextOpening(Instant now) {
        if (contains(now)) {
            return Optional.of(now);
        }
        LocalDate today = now.atZone(zone).toLocalDate();
        for (int ahead = 0; ahead <= 8; ahead++) {
            LocalDate date = today.plusDays(ahead);
            if (days.contains(date.getDayOfWeek())) {
                Instant opening = ZonedDateTime.of(date, opens, zone).toInstant();
                if (opening.isAfter(now)) {
                    return Optional.of(opening);
                }
            }
        }
        return Optional.empty();
    }

    private static DayOfWeek day(String name) {
        int i = DAY_NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("'" + name + "' is not a day; days are " + String.join(", ", DAY_NAMES));
        }
        return DayOfWeek.of(i + 1);
    }

    private static LocalTime time(String text) {
        if (!text.matches("\\d{2}:\\d{2}")) {
            throw new IllegalArgumentException("'" + text + "' is not a time HH:MM");
        }
        try {
            return LocalTime.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a time HH:MM (00:00 to 23:59)");
        }
    }
}
