// Renderer entry: connect to the main process, then render the shell.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { connect } from './api';
import { setApi } from './api/current';
import { setConnection } from './store/actions';
import { resyncSession } from './store/resync';
import './styles.css';

const connection = connect();
setApi(connection.api);
connection.onConnectionChange(setConnection);
connection.setResync(resyncSession);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
