package dev.sluice.run;

import dev.sluice.history.NotificationLog;

import dev.sluice.history.RunRecord;
import dev.sluice.history.RunStore;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.JsonText;
import dev.sluice.notify.Delivery;
import java.util.List;
import java.util.Map;

/**
 * A run as {@code runs --json}, {@code run --json} and the API show it: its record, plus
 * {@code notifications}, what became of each notification sent for it (kept in a table of its own).
 */
public final class RunJson {
    private RunJson() {}

    public static ObjectNode of(RunRecord record, List<Delivery> notifications) {
        ObjectNode json = JsonText.MAPPER.valueToTree(record);
        json.set("notifications", JsonText.MAPPER.valueToTree(notifications));
        return json;
    }

    /** {@code records}, each with its notifications from {@code store}. */
    public static ArrayNode of(List<RunRecord> records, RunStore store) {
        Map<String, List<Delivery>> notifications = new NotificationLog(store.database()).notifications(records.stream().map(RunRecord::id).toList());
        ArrayNode array = JsonText.MAPPER.createArrayNode();
        records.forEach(r -> array.add(of(r, notifications.getOrDefault(r.id(), List.of()))));
        return array;
    }
}
