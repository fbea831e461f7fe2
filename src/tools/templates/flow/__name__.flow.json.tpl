{
  "version": "7.3",
  "data_api_version": "4.0",
  "routing_model": { "START": ["RESULT"], "RESULT": [] },
  "screens": [
    {
      "id": "START",
      "title": "__Title__",
      "data": {},
      "layout": {
        "type": "SingleColumnLayout",
        "children": [
          { "type": "TextInput", "name": "name", "label": "Your name", "input-type": "text", "required": true },
          { "type": "Footer", "label": "Continue", "on-click-action": { "name": "data_exchange", "payload": { "name": "${form.name}" } } }
        ]
      }
    },
    {
      "id": "RESULT",
      "title": "__Title__",
      "terminal": true,
      "data": { "greeting": { "type": "string", "__example__": "Hello, Maria!" } },
      "layout": {
        "type": "SingleColumnLayout",
        "children": [
          { "type": "TextBody", "text": "${data.greeting}" },
          { "type": "Footer", "label": "Done", "on-click-action": { "name": "data_exchange", "payload": { "done": true } } }
        ]
      }
    }
  ]
}
