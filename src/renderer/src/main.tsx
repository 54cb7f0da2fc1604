// Renderer entry: connect to the main process, then render the shell.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { connect } from './api';
import { setApi } from './api/current';
import { setConnection } from './store/actions';
import './styles.css';

const connection = connect();
setApi(connection.api);
connection.onConnectionChange(setConnection);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
