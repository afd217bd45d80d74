// The seed's third-party driver example: a `weather` tool driver.
//
// On `weather.get` it asks a weather API for `data.location` and returns a `weather.data` event;
// on `weather.forecast` it returns `weather.forecast.data`. It is a plain ES module with no
// imports from Vextir OS: it is the `weather` skill pack's driver (vextir-pack.yaml beside it),
// and it can still be listed in vextir.config.yaml, where the host loads it in-process:
//
//   drivers:
//     - module: ./examples/packs/weather/weather-driver.js
//       options: { apiUrl: "https://weather.example.com" }
//
// The API it expects: GET {apiUrl}/current?location=<name> and GET {apiUrl}/forecast?location=<name>&days=<n>,
// answering JSON. Point `apiUrl` at your provider (or an adapter in front of it).

/** A failure Vextir OS should retry (upstream down or throttling): it redelivers the event later. */
function retryable(message) {
  return Object.assign(new Error(message), { name: 'KernelError', code: 'unavailable', retryable: true });
}

/** A failure retrying cannot fix (bad input, unknown location): reported as an `error` event. */
function permanent(message) {
  return Object.assign(new Error(message), { name: 'KernelError', code: 'driver_failed', retryable: false });
}

async function fetchJson(url, signal) {
  let response;
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    throw retryable(`weather API unreachable: ${error.message}`);
  }
  if (response.status === 429 || response.status >= 500) throw retryable(`weather API answered ${response.status}`);
  if (!response.ok) throw permanent(`weather API answered ${response.status} for ${url.searchParams.get('location')}`);
  return response.json();
}

/** @param {{ apiUrl?: string }} options from vextir.config.yaml */
export default function createWeatherDriver(options) {
  if (typeof options.apiUrl !== 'string') throw new Error('weather driver: options.apiUrl is required');
  const apiUrl = options.apiUrl.replace(/\/$/, '');

  const driver = {
    manifest: {
      id: 'weather_tool',
      name: 'Weather',
      version: '1.0.0',
      type: 'tool',
      author: 'Vextir OS examples',
      description: 'Current weather and forecasts for a location',
      capabilities: ['weather.get', 'weather.forecast'],
      resources: { timeout: '10s', maxConcurrency: 8 },
    },
    async handle(event, context) {
      const location = event.data?.location;
      if (typeof location !== 'string' || location.length === 0) throw permanent('data.location must be a non-empty string');
      if (event.type === 'weather.get') {
        const url = new URL(`${apiUrl}/current`);
        url.searchParams.set('location', location);
        const current = await fetchJson(url, context.signal);
        return [
          {
            type: 'weather.data',
            data: { location, temperature: current.temperature, conditions: current.conditions, observedAt: current.observedAt },
          },
        ];
      }
      const days = Number.isInteger(event.data?.days) ? event.data.days : 3;
      const url = new URL(`${apiUrl}/forecast`);
      url.searchParams.set('location', location);
      url.searchParams.set('days', String(days));
      const forecast = await fetchJson(url, context.signal);
      return [{ type: 'weather.forecast.data', data: { location, days: forecast.days } }];
    },
  };
  return driver;
}
