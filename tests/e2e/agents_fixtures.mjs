// Request bodies shared by the assistant, squad and tool tests (and their isolation fixtures).
// Realistic: the shapes Vapi's docs and API reference show, every value valid for the contract.

/** Spoken messages of a tool call, one of each kind. */
export function toolMessages() {
  return [
    { type: "request-start", content: "Let me check that for you.", blocking: false },
    { type: "request-complete", content: "All done.", role: "assistant" },
    { type: "request-failed", content: "Sorry, that did not work.", endCallAfterSpokenEnabled: false },
    { type: "request-response-delayed", content: "This is taking a moment.", timingMilliseconds: 2000 },
  ];
}

/** A rejection plan: refuse the call when the user just said goodbye, or the call is long. */
export function rejectionPlan() {
  return {
    conditions: [
      { type: "regex", regex: "(?i)\\b(bye|goodbye)\\b", target: { role: "user", position: -1 } },
      { type: "liquid", liquid: "{% if messages.size > 40 %}true{% endif %}" },
    ],
  };
}

/** A webhook server with every common field. */
export function webhookServer(path = "/vapi/tools") {
  return {
    url: `https://hooks.example.com${path}`,
    timeoutSeconds: 20,
    headers: { "X-Tenant": "acme" },
    backoffPlan: { type: "exponential", maxRetries: 3, baseDelaySeconds: 1, excludedStatusCodes: [400, 401] },
  };
}

/** An OpenAI function definition. */
export function bookingFunction(name = "book_appointment") {
  return {
    name,
    description: "Books an appointment for the caller",
    strict: false,
    parameters: {
      type: "object",
      properties: {
        date: { type: "string", format: "date", description: "The day, as YYYY-MM-DD" },
        partySize: { type: "integer", description: "How many people" },
        service: { type: "string", enum: ["checkup", "cleaning", "whitening"] },
      },
      required: ["date", "service"],
    },
  };
}

/**
 * One realistic create body for every tool type of POST /tool, keyed by type. `refs` holds the
 * ids of the org's objects a body names: {fileId} (a query tool's knowledge base).
 */
export const TOOL_BODIES = {
  apiRequest: () => ({
    type: "apiRequest",
    name: "lookup_order",
    description: "Looks up an order by its number",
    method: "POST",
    url: "https://api.example.com/orders/lookup",
    timeoutSeconds: 15,
    body: {
      type: "object",
      properties: { orderNumber: { type: "string", description: "The order number" } },
      required: ["orderNumber"],
    },
    headers: { type: "object", properties: { "X-Api-Version": { type: "string", enum: ["2024-01"] } } },
    backoffPlan: { type: "fixed", maxRetries: 2, baseDelaySeconds: 1 },
    variableExtractionPlan: {
      schema: { type: "object", properties: { status: { type: "string" } } },
      aliases: [{ key: "orderStatus", value: "{{status}}" }],
    },
    messages: toolMessages(),
    rejectionPlan: rejectionPlan(),
  }),
  code: () => ({
    type: "code",
    code: "const { city } = args;\nreturn { forecast: `Sunny in ${city}` };",
    environmentVariables: [{ name: "WEATHER_REGION", value: "eu-west" }],
    timeoutSeconds: 10,
    async: false,
    function: {
      name: "get_weather",
      description: "Gets the weather forecast for a city",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
    messages: [{ type: "request-start", content: "Checking the forecast." }],
  }),
  dtmf: () => ({
    type: "dtmf",
    sipInfoDtmfEnabled: true,
    messages: [{ type: "request-start", content: "Pressing the keys now." }],
  }),
  endCall: () => ({
    type: "endCall",
    messages: [{ type: "request-start", content: "Thanks for calling, goodbye!" }],
    rejectionPlan: { conditions: [{ type: "liquid", liquid: "{% if messages.size < 4 %}true{% endif %}" }] },
  }),
  function: () => ({
    type: "function",
    async: false,
    function: bookingFunction(),
    server: webhookServer("/vapi/book"),
    messages: toolMessages(),
    variableExtractionPlan: { aliases: [{ key: "bookedDate", value: "{{date}}" }] },
    rejectionPlan: rejectionPlan(),
  }),
  transferCall: () => ({
    type: "transferCall",
    destinations: [
      {
        type: "number",
        number: "+14155550100",
        message: "Transferring you to billing now.",
        description: "Billing department",
        transferPlan: { mode: "blind-transfer", sipVerb: "refer" },
      },
      { type: "sip", sipUri: "sip:support@pbx.example.com", description: "Support queue" },
      { type: "assistant", assistantName: "Billing", transferMode: "rolling-history", message: "One moment." },
    ],
  }),
  handoff: () => ({
    type: "handoff",
    defaultResult: "Handoff initiated",
    destinations: [
      {
        type: "assistant",
        assistantName: "Billing",
        description: "the caller asks about invoices, payments or refunds",
        contextEngineeringPlan: { type: "lastNMessages", maxMessages: 10 },
        variableExtractionPlan: {
          schema: { type: "object", properties: { invoiceNumber: { type: "string" } }, required: ["invoiceNumber"] },
        },
      },
      {
        type: "dynamic",
        server: { url: "https://hooks.example.com/handoff-destination", timeoutSeconds: 10 },
        description: "anything else",
      },
    ],
    function: { name: "handoff_to_billing", description: "Hands the call to the billing assistant" },
  }),
  bash: () => ({ type: "bash", subType: "bash_20241022", name: "bash", server: webhookServer("/vapi/bash") }),
  computer: () => ({
    type: "computer",
    subType: "computer_20241022",
    name: "computer",
    displayWidthPx: 1280,
    displayHeightPx: 800,
    displayNumber: 1,
    server: webhookServer("/vapi/computer"),
  }),
  textEditor: () => ({
    type: "textEditor",
    subType: "text_editor_20241022",
    name: "str_replace_editor",
    server: webhookServer("/vapi/editor"),
  }),
  query: (refs) => ({
    type: "query",
    knowledgeBases: [
      {
        name: "product-faq",
        provider: "google",
        model: "gemini-2.0-flash",
        description: "Answers questions about our products, prices and opening hours",
        fileIds: [refs.fileId],
      },
    ],
    messages: [{ type: "request-start", content: "Let me look that up." }],
  }),
  "google.calendar.event.create": () => ({
    type: "google.calendar.event.create",
    messages: [{ type: "request-complete", content: "Your appointment is booked." }],
  }),
  "google.sheets.row.append": () => ({
    type: "google.sheets.row.append",
    messages: [{ type: "request-start", content: "Saving your details." }],
  }),
  "google.calendar.availability.check": () => ({
    type: "google.calendar.availability.check",
    messages: [{ type: "request-start", content: "Checking the calendar." }],
    rejectionPlan: rejectionPlan(),
  }),
  "slack.message.send": () => ({
    type: "slack.message.send",
    messages: [{ type: "request-complete", content: "I've let the team know." }],
  }),
  sms: () => ({ type: "sms", messages: [{ type: "request-complete", content: "I've texted you the link." }] }),
  mcp: () => ({
    type: "mcp",
    server: { url: "https://mcp.example.com/sse", timeoutSeconds: 30, headers: { "X-Client": "switchboard" } },
    metadata: { protocol: "shttp" },
    toolMessages: [{ name: "search_docs", messages: [{ type: "request-start", content: "Searching the docs." }] }],
  }),
  "gohighlevel.calendar.availability.check": () => ({
    type: "gohighlevel.calendar.availability.check",
    messages: [{ type: "request-start", content: "Looking for open slots." }],
  }),
  "gohighlevel.calendar.event.create": () => ({
    type: "gohighlevel.calendar.event.create",
    messages: [{ type: "request-complete", content: "You're booked in." }],
  }),
  "gohighlevel.contact.create": () => ({
    type: "gohighlevel.contact.create",
    messages: [{ type: "request-complete", content: "I've added you as a contact." }],
  }),
  "gohighlevel.contact.get": () => ({
    type: "gohighlevel.contact.get",
    messages: [{ type: "request-start", content: "Let me find your record." }],
  }),
  sipRequest: () => ({
    type: "sipRequest",
    verb: "INFO",
    headers: { type: "object", properties: { "X-Reason": { type: "string", enum: ["escalation"] } } },
    body: { type: "object", properties: { ticket: { type: "string" } } },
  }),
  voicemail: () => ({
    type: "voicemail",
    beepDetectionEnabled: true,
    messages: [{ type: "request-start", content: "Hi, this is Acme Dental returning your call." }],
  }),
};

/**
 * A full realistic assistant attaching `toolIds` (ids of saved tools; may be empty). The
 * contract benchmark (bench/micro/contract_benchmark.cpp) validates this same body.
 */
export function fullAssistant(toolIds = []) {
  return {
    name: "Riley (front desk)",
    firstMessage: "Hi, this is Riley from Acme Dental. How can I help you today?",
    firstMessageMode: "assistant-speaks-first",
    model: {
      provider: "openai",
      model: "gpt-4o",
      temperature: 0.4,
      maxTokens: 300,
      messages: [
        {
          role: "system",
          content:
            "You are Riley, the receptionist of Acme Dental. Book, move and cancel appointments. " +
            "Keep answers short. Today is {{now}}.",
        },
      ],
      toolIds,
      tools: [
        {
          type: "function",
          function: bookingFunction("check_insurance"),
          server: webhookServer("/vapi/insurance"),
          messages: [{ type: "request-start", content: "Let me check your insurance." }],
        },
        { type: "endCall" },
        {
          type: "transferCall",
          destinations: [{ type: "number", number: "+14155550100", message: "Transferring you to a person now." }],
        },
      ],
    },
    voice: {
      provider: "11labs",
      voiceId: "sarah",
      model: "eleven_turbo_v2_5",
      stability: 0.5,
      similarityBoost: 0.75,
      speed: 1.0,
      useSpeakerBoost: true,
    },
    transcriber: {
      provider: "deepgram",
      model: "nova-2",
      language: "en",
      smartFormat: true,
      keywords: ["Acme:2", "Riley:1"],
      endpointing: 300,
    },
    server: {
      url: "https://hooks.example.com/vapi/assistant",
      timeoutSeconds: 20,
      headers: { "X-Tenant": "acme", Authorization: "Bearer webhook-token" },
      backoffPlan: { type: "exponential", maxRetries: 3, baseDelaySeconds: 1, excludedStatusCodes: [400, 401, 403, 404] },
    },
    serverMessages: ["end-of-call-report", "status-update", "tool-calls", "hang"],
    clientMessages: ["transcript", "tool-calls"],
    analysisPlan: {
      summaryPlan: {
        enabled: true,
        timeoutSeconds: 10,
        messages: [
          { role: "system", content: "Summarize the call in two sentences." },
          { role: "user", content: "Here is the transcript:\n\n{{transcript}}" },
        ],
      },
      structuredDataPlan: {
        enabled: true,
        schema: {
          type: "object",
          properties: {
            appointmentBooked: { type: "boolean" },
            appointmentDate: { type: "string", format: "date" },
          },
          required: ["appointmentBooked"],
        },
      },
      successEvaluationPlan: { rubric: "PassFail", enabled: true },
    },
    maxDurationSeconds: 900,
    backgroundSound: "office",
    voicemailMessage: "Hi, this is Riley from Acme Dental. Please call us back at your convenience.",
    endCallMessage: "Thanks for calling Acme Dental. Goodbye!",
    endCallPhrases: ["goodbye", "talk to you later"],
    metadata: { team: "front-desk", region: "us-west" },
    startSpeakingPlan: { waitSeconds: 0.4, smartEndpointingEnabled: "livekit" },
    stopSpeakingPlan: { numWords: 2, voiceSeconds: 0.3, backoffSeconds: 1 },
    artifactPlan: { recordingEnabled: true, recordingFormat: "mp3", transcriptPlan: { enabled: true } },
  };
}

/** A small assistant for squads and lists. */
export function smallAssistant(name, extra = {}) {
  return {
    name,
    firstMessage: `Hi, you've reached ${name}.`,
    model: { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "system", content: `You are ${name}.` }] },
    voice: { provider: "11labs", voiceId: "burt" },
    transcriber: { provider: "deepgram", model: "nova-2", language: "en" },
    ...extra,
  };
}

/**
 * A squad of two saved assistants that hand off to each other: the receptionist may hand off
 * to billing (a handoff destination) and billing may transfer back (a transfer destination);
 * both destination kinds say type "assistant".
 */
export function twoAssistantSquad(receptionistId, billingId) {
  return {
    name: "Acme Dental front office",
    members: [
      {
        assistantId: receptionistId,
        assistantDestinations: [
          {
            type: "assistant",
            assistantName: "Billing",
            description: "the caller asks about an invoice, a payment or a refund",
            contextEngineeringPlan: { type: "all" },
            variableExtractionPlan: {
              schema: { type: "object", properties: { invoiceNumber: { type: "string" } } },
            },
          },
        ],
        assistantOverrides: {
          firstMessage: "Hi, this is the Acme Dental front desk.",
          variableValues: { office: "Main Street" },
        },
      },
      {
        assistantId: billingId,
        assistantDestinations: [
          {
            type: "assistant",
            assistantName: "Receptionist",
            message: "Let me take you back to the front desk.",
            transferMode: "rolling-history",
            description: "the caller wants to book or move an appointment",
          },
        ],
      },
    ],
    membersOverrides: {
      voice: { provider: "11labs", voiceId: "sarah" },
      transcriber: { provider: "deepgram", model: "nova-2", language: "en" },
    },
  };
}
