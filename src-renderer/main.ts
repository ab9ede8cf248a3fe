// Entry: pick the transport for where we run (Electron preload bridge or `coffer ui` over loopback).
import { mount } from 'svelte';
import { createApiClient } from '../src-main/ipc/contract.ts';
import type { Transport } from '../src-main/ipc/contract.ts';
import { ipcTransport } from './lib/transport/ipc-transport.ts';
import { httpTransport, takeTokenFromLocation } from './lib/transport/http-transport.ts';
import App from './App.svelte';
import './app.css';

function chooseTransport(): Transport {
  if (window.coffer) return ipcTransport(window.coffer);
  const token = takeTokenFromLocation(window.location, window.history, window.sessionStorage);
  return httpTransport({ token: token ?? '' });
}

const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks #app');
mount(App, { target, props: { api: createApiClient(chooseTransport()) } });
