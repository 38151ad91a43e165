export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      accommodations: {
        Row: {
          address: string | null
          amenities: string[]
          booking_status: string
          check_in_date: string
          check_out_date: string
          created_at: string
          currency: string
          external_id: string | null
          id: string
          metadata: NonNullable<Json>
          name: string
          price_per_night: number
          rating: number | null
          room_type: string | null
          total_price: number
          trip_id: string
          updated_at: string
        }
        Insert: {
          address?: string | null
          amenities?: string[]
          booking_status?: string
          check_in_date: string
          check_out_date: string
          created_at?: string
          currency?: string
          external_id?: string | null
          id?: string
          metadata?: NonNullable<Json>
          name: string
          price_per_night: number
          rating?: number | null
          room_type?: string | null
          total_price: number
          trip_id: string
          updated_at?: string
        }
        Update: {
          address?: string | null
          amenities?: string[]
          booking_status?: string
          check_in_date?: string
          check_out_date?: string
          created_at?: string
          currency?: string
          external_id?: string | null
          id?: string
          metadata?: NonNullable<Json>
          name?: string
          price_per_night?: number
          rating?: number | null
          room_type?: string | null
          total_price?: number
          trip_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "accommodations_trip_id_fkey"
            columns: ["trip_id"]
            isOneToOne: false
            referencedRelation: "trips"
            referencedColumns: ["id"]
          },
        ]
      }
      api_keys: {
        Row: {
          created_at: string
          id: string
          last_used: string | null
          service: string
          updated_at: string
          user_id: string
          vault_secret_name: string
        }
        Insert: {
          created_at?: string
          id?: string
          last_used?: string | null
          service: string
          updated_at?: string
          user_id: string
          vault_secret_name: string
        }
        Update: {
          created_at?: string
          id?: string
          last_used?: string | null
          service?: string
          updated_at?: string
          user_id?: string
          vault_secret_name?: string
        }
        Relationships: []
      }
      chat_messages: {
        Row: {
          content: string
          created_at: string
          id: string
          metadata: NonNullable<Json>
          role: string
          seq: number
          session_id: string
          updated_at: string
          user_id: string
        }
        Insert: {
          content: string
          created_at?: string
          id?: string
          metadata?: NonNullable<Json>
          role: string
          seq?: never
          session_id: string
          updated_at?: string
          user_id: string
        }
        Update: {
          content?: string
          created_at?: string
          id?: string
          metadata?: NonNullable<Json>
          role?: string
          seq?: never
          session_id?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "chat_messages_session_id_fkey"
            columns: ["session_id"]
            isOneToOne: false
            referencedRelation: "chat_sessions"
            referencedColumns: ["id"]
          },
        ]
      }
      chat_sessions: {
        Row: {
          created_at: string
          ended_at: string | null
          id: string
          metadata: NonNullable<Json>
          title: string | null
          trip_id: string | null
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          ended_at?: string | null
          id?: string
          metadata?: NonNullable<Json>
          title?: string | null
          trip_id?: string | null
          updated_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          ended_at?: string | null
          id?: string
          metadata?: NonNullable<Json>
          title?: string | null
          trip_id?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "chat_sessions_trip_id_fkey"
            columns: ["trip_id"]
            isOneToOne: false
            referencedRelation: "trips"
            referencedColumns: ["id"]
          },
        ]
      }
      chat_tool_calls: {
        Row: {
          arguments: NonNullable<Json>
          completed_at: string | null
          created_at: string
          error_message: string | null
          id: string
          message_id: string | null
          provider_executed: boolean
          result: Json | null
          session_id: string
          started_at: string | null
          status: string
          tool_call_id: string | null
          tool_name: string
          updated_at: string
          user_id: string
        }
        Insert: {
          arguments?: NonNullable<Json>
          completed_at?: string | null
          created_at?: string
          error_message?: string | null
          id?: string
          message_id?: string | null
          provider_executed?: boolean
          result?: Json | null
          session_id: string
          started_at?: string | null
          status?: string
          tool_call_id?: string | null
          tool_name: string
          updated_at?: string
          user_id: string
        }
        Update: {
          arguments?: NonNullable<Json>
          completed_at?: string | null
          created_at?: string
          error_message?: string | null
          id?: string
          message_id?: string | null
          provider_executed?: boolean
          result?: Json | null
          session_id?: string
          started_at?: string | null
          status?: string
          tool_call_id?: string | null
          tool_name?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "chat_tool_calls_message_id_session_id_fkey"
            columns: ["message_id", "session_id"]
            isOneToOne: false
            referencedRelation: "chat_messages"
            referencedColumns: ["id", "session_id"]
          },
          {
            foreignKeyName: "chat_tool_calls_session_id_fkey"
            columns: ["session_id"]
            isOneToOne: false
            referencedRelation: "chat_sessions"
            referencedColumns: ["id"]
          },
        ]
      }
      file_attachments: {
        Row: {
          bucket_name: string
          chat_message_id: string | null
          created_at: string
          file_path: string
          file_size: number
          filename: string
          id: string
          metadata: NonNullable<Json>
          mime_type: string
          original_filename: string
          trip_id: string | null
          updated_at: string
          upload_status: string
          user_id: string
          virus_scan_result: Json | null
          virus_scan_status: string
        }
        Insert: {
          bucket_name?: string
          chat_message_id?: string | null
          created_at?: string
          file_path: string
          file_size: number
          filename: string
          id?: string
          metadata?: NonNullable<Json>
          mime_type: string
          original_filename: string
          trip_id?: string | null
          updated_at?: string
          upload_status?: string
          user_id: string
          virus_scan_result?: Json | null
          virus_scan_status?: string
        }
        Update: {
          bucket_name?: string
          chat_message_id?: string | null
          created_at?: string
          file_path?: string
          file_size?: number
          filename?: string
          id?: string
          metadata?: NonNullable<Json>
          mime_type?: string
          original_filename?: string
          trip_id?: string | null
          updated_at?: string
          upload_status?: string
          user_id?: string
          virus_scan_result?: Json | null
          virus_scan_status?: string
        }
        Relationships: [
          {
            foreignKeyName: "file_attachments_chat_message_id_fkey"
            columns: ["chat_message_id"]
            isOneToOne: false
            referencedRelation: "chat_messages"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "file_attachments_trip_id_fkey"
            columns: ["trip_id"]
            isOneToOne: false
            referencedRelation: "trips"
            referencedColumns: ["id"]
          },
        ]
      }
      flights: {
        Row: {
          airline: string | null
          arrival_time: string | null
          booking_status: string
          created_at: string
          currency: string
          departure_date: string
          departure_time: string | null
          destination: string
          external_id: string | null
          flight_class: string
          flight_number: string | null
          id: string
          metadata: NonNullable<Json>
          origin: string
          price: number
          return_date: string | null
          trip_id: string
          updated_at: string
        }
        Insert: {
          airline?: string | null
          arrival_time?: string | null
          booking_status?: string
          created_at?: string
          currency?: string
          departure_date: string
          departure_time?: string | null
          destination: string
          external_id?: string | null
          flight_class?: string
          flight_number?: string | null
          id?: string
          metadata?: NonNullable<Json>
          origin: string
          price: number
          return_date?: string | null
          trip_id: string
          updated_at?: string
        }
        Update: {
          airline?: string | null
          arrival_time?: string | null
          booking_status?: string
          created_at?: string
          currency?: string
          departure_date?: string
          departure_time?: string | null
          destination?: string
          external_id?: string | null
          flight_class?: string
          flight_number?: string | null
          id?: string
          metadata?: NonNullable<Json>
          origin?: string
          price?: number
          return_date?: string | null
          trip_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "flights_trip_id_fkey"
            columns: ["trip_id"]
            isOneToOne: false
            referencedRelation: "trips"
            referencedColumns: ["id"]
          },
        ]
      }
      itinerary_items: {
        Row: {
          accommodation_id: string | null
          created_at: string
          currency: string
          day: string | null
          description: string | null
          end_time: string | null
          flight_id: string | null
          id: string
          item_type: string
          location: string | null
          position: number
          price: number | null
          start_time: string | null
          title: string
          trip_id: string
          updated_at: string
        }
        Insert: {
          accommodation_id?: string | null
          created_at?: string
          currency?: string
          day?: string | null
          description?: string | null
          end_time?: string | null
          flight_id?: string | null
          id?: string
          item_type?: string
          location?: string | null
          position?: number
          price?: number | null
          start_time?: string | null
          title: string
          trip_id: string
          updated_at?: string
        }
        Update: {
          accommodation_id?: string | null
          created_at?: string
          currency?: string
          day?: string | null
          description?: string | null
          end_time?: string | null
          flight_id?: string | null
          id?: string
          item_type?: string
          location?: string | null
          position?: number
          price?: number | null
          start_time?: string | null
          title?: string
          trip_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "itinerary_items_accommodation_fkey"
            columns: ["accommodation_id", "trip_id"]
            isOneToOne: false
            referencedRelation: "accommodations"
            referencedColumns: ["id", "trip_id"]
          },
          {
            foreignKeyName: "itinerary_items_flight_fkey"
            columns: ["flight_id", "trip_id"]
            isOneToOne: false
            referencedRelation: "flights"
            referencedColumns: ["id", "trip_id"]
          },
          {
            foreignKeyName: "itinerary_items_trip_id_fkey"
            columns: ["trip_id"]
            isOneToOne: false
            referencedRelation: "trips"
            referencedColumns: ["id"]
          },
        ]
      }
      memories: {
        Row: {
          content: string
          content_hash: string
          content_tsv: unknown
          created_at: string
          embedding: string
          embedding_model: string
          expires_at: string | null
          id: string
          importance: number
          memory_type: string
          metadata: NonNullable<Json>
          source_message_id: string | null
          updated_at: string
          user_id: string
        }
        Insert: {
          content: string
          content_hash: string
          content_tsv?: never
          created_at?: string
          embedding: string
          embedding_model: string
          expires_at?: string | null
          id?: string
          importance?: number
          memory_type?: string
          metadata?: NonNullable<Json>
          source_message_id?: string | null
          updated_at?: string
          user_id: string
        }
        Update: {
          content?: string
          content_hash?: string
          content_tsv?: never
          created_at?: string
          embedding?: string
          embedding_model?: string
          expires_at?: string | null
          id?: string
          importance?: number
          memory_type?: string
          metadata?: NonNullable<Json>
          source_message_id?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
      memory_events: {
        Row: {
          created_at: string
          decider: string
          expires_at: string | null
          id: string
          importance: number
          memory_id: string
          memory_type: string
          metadata: NonNullable<Json>
          new_content: string | null
          old_content: string | null
          operation: string
          reason: string | null
          seq: number
          source_message_ids: string[]
          user_id: string
        }
        Insert: {
          created_at?: string
          decider: string
          expires_at?: string | null
          id?: string
          importance: number
          memory_id: string
          memory_type: string
          metadata?: NonNullable<Json>
          new_content?: string | null
          old_content?: string | null
          operation: string
          reason?: string | null
          seq?: never
          source_message_ids?: string[]
          user_id: string
        }
        Update: {
          created_at?: string
          decider?: string
          expires_at?: string | null
          id?: string
          importance?: number
          memory_id?: string
          memory_type?: string
          metadata?: NonNullable<Json>
          new_content?: string | null
          old_content?: string | null
          operation?: string
          reason?: string | null
          seq?: never
          source_message_ids?: string[]
          user_id?: string
        }
        Relationships: []
      }
      search_activities: {
        Row: {
          created_at: string
          expires_at: string
          id: string
          query: NonNullable<Json>
          query_hash: string
          results: NonNullable<Json>
          source: string | null
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          expires_at: string
          id?: string
          query: NonNullable<Json>
          query_hash: string
          results: NonNullable<Json>
          source?: string | null
          updated_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          expires_at?: string
          id?: string
          query?: NonNullable<Json>
          query_hash?: string
          results?: NonNullable<Json>
          source?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
      search_destinations: {
        Row: {
          created_at: string
          expires_at: string
          id: string
          query: NonNullable<Json>
          query_hash: string
          results: NonNullable<Json>
          source: string | null
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          expires_at: string
          id?: string
          query: NonNullable<Json>
          query_hash: string
          results: NonNullable<Json>
          source?: string | null
          updated_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          expires_at?: string
          id?: string
          query?: NonNullable<Json>
          query_hash?: string
          results?: NonNullable<Json>
          source?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
      search_flights: {
        Row: {
          created_at: string
          expires_at: string
          id: string
          query: NonNullable<Json>
          query_hash: string
          results: NonNullable<Json>
          source: string | null
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          expires_at: string
          id?: string
          query: NonNullable<Json>
          query_hash: string
          results: NonNullable<Json>
          source?: string | null
          updated_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          expires_at?: string
          id?: string
          query?: NonNullable<Json>
          query_hash?: string
          results?: NonNullable<Json>
          source?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
      search_hotels: {
        Row: {
          created_at: string
          expires_at: string
          id: string
          query: NonNullable<Json>
          query_hash: string
          results: NonNullable<Json>
          source: string | null
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          expires_at: string
          id?: string
          query: NonNullable<Json>
          query_hash: string
          results: NonNullable<Json>
          source?: string | null
          updated_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          expires_at?: string
          id?: string
          query?: NonNullable<Json>
          query_hash?: string
          results?: NonNullable<Json>
          source?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
      session_memories: {
        Row: {
          content: string
          content_hash: string
          content_tsv: unknown
          created_at: string
          embedding: string
          embedding_model: string
          expires_at: string | null
          id: string
          importance: number
          metadata: NonNullable<Json>
          session_id: string
          source_message_id: string | null
          updated_at: string
          user_id: string
        }
        Insert: {
          content: string
          content_hash: string
          content_tsv?: never
          created_at?: string
          embedding: string
          embedding_model: string
          expires_at?: string | null
          id?: string
          importance?: number
          metadata?: NonNullable<Json>
          session_id: string
          source_message_id?: string | null
          updated_at?: string
          user_id: string
        }
        Update: {
          content?: string
          content_hash?: string
          content_tsv?: never
          created_at?: string
          embedding?: string
          embedding_model?: string
          expires_at?: string | null
          id?: string
          importance?: number
          metadata?: NonNullable<Json>
          session_id?: string
          source_message_id?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "session_memories_session_id_fkey"
            columns: ["session_id"]
            isOneToOne: false
            referencedRelation: "chat_sessions"
            referencedColumns: ["id"]
          },
        ]
      }
      transportation: {
        Row: {
          arrival_time: string | null
          booking_status: string
          created_at: string
          currency: string
          departure_time: string
          destination: string | null
          external_id: string | null
          id: string
          kind: string
          metadata: NonNullable<Json>
          origin: string | null
          price: number | null
          provider: string | null
          trip_id: string
          updated_at: string
        }
        Insert: {
          arrival_time?: string | null
          booking_status?: string
          created_at?: string
          currency?: string
          departure_time: string
          destination?: string | null
          external_id?: string | null
          id?: string
          kind: string
          metadata?: NonNullable<Json>
          origin?: string | null
          price?: number | null
          provider?: string | null
          trip_id: string
          updated_at?: string
        }
        Update: {
          arrival_time?: string | null
          booking_status?: string
          created_at?: string
          currency?: string
          departure_time?: string
          destination?: string | null
          external_id?: string | null
          id?: string
          kind?: string
          metadata?: NonNullable<Json>
          origin?: string | null
          price?: number | null
          provider?: string | null
          trip_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "transportation_trip_id_fkey"
            columns: ["trip_id"]
            isOneToOne: false
            referencedRelation: "trips"
            referencedColumns: ["id"]
          },
        ]
      }
      trip_collaborators: {
        Row: {
          created_at: string
          id: string
          invited_by: string | null
          role: string
          trip_id: string
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          id?: string
          invited_by?: string | null
          role?: string
          trip_id: string
          updated_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          id?: string
          invited_by?: string | null
          role?: string
          trip_id?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "trip_collaborators_trip_id_fkey"
            columns: ["trip_id"]
            isOneToOne: false
            referencedRelation: "trips"
            referencedColumns: ["id"]
          },
        ]
      }
      trips: {
        Row: {
          budget: number | null
          created_at: string
          currency: string
          description: string | null
          destination: string
          end_date: string
          flexibility: NonNullable<Json>
          id: string
          name: string
          notes: string[]
          search_metadata: NonNullable<Json>
          start_date: string
          status: string
          tags: string[]
          travelers: number
          trip_type: string
          updated_at: string
          user_id: string
        }
        Insert: {
          budget?: number | null
          created_at?: string
          currency?: string
          description?: string | null
          destination: string
          end_date: string
          flexibility?: NonNullable<Json>
          id?: string
          name: string
          notes?: string[]
          search_metadata?: NonNullable<Json>
          start_date: string
          status?: string
          tags?: string[]
          travelers?: number
          trip_type?: string
          updated_at?: string
          user_id: string
        }
        Update: {
          budget?: number | null
          created_at?: string
          currency?: string
          description?: string | null
          destination?: string
          end_date?: string
          flexibility?: NonNullable<Json>
          id?: string
          name?: string
          notes?: string[]
          search_metadata?: NonNullable<Json>
          start_date?: string
          status?: string
          tags?: string[]
          travelers?: number
          trip_type?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      [_ in never]: never
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {},
  },
} as const
