package dev.hangar.gateway;

/**
 * The JSON body of every answer to {@code POST /webhook}. It is shown in GitHub's delivery log, so
 * it says briefly what happened and never echoes the payload.
 *
 * @param outcome the outcome label, for example {@code accepted}
 * @param detail a short explanation
 */
record WebhookResponse(String outcome, String detail) {}
